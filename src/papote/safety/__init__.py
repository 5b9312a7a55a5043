"""Everything that judges content and behaviour. See docs/safety.md."""
