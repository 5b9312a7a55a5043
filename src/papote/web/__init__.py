"""Papote web layer."""
