"""Training of the learned text model (needs the ``train`` extra; never imported to serve)."""
