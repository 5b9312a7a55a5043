"""Papote moderation layer."""
