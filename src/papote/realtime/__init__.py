"""Papote realtime layer."""
