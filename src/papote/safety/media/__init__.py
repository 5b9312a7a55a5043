"""Images: what the content is, how it is fingerprinted, how it is searched, where lists
come from (ThreatExchange keeps these questions apart; so do we). See docs/images.md.

- ``content``: sniffing, decoding, re-encoding and blurring an uploaded image (pure bytes).
- ``signals``: PDQ (Meta's reference, canonical 64-hex), MD5 and SHA-256 fingerprints.
- ``index``: the in-memory index of listed hashes (faiss exhaustive binary index for PDQ).
- ``lists``: parsing hash-list files published by hash-sharing programmes.
- ``nudity``: the NudeNet detector (ONNX, bundled in its wheel), run on the CPU.
- ``analysis``: everything above in one call, for a worker process.

Nothing here does I/O of its own: the actions layer reads uploads and stores results.
"""
