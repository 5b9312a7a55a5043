"""Papote store layer."""
