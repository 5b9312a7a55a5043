"""Reference data loaded once at start: French places, the seeded rooms."""
