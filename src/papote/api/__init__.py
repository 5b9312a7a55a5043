"""Papote api layer."""
