"""Papote actions layer."""
