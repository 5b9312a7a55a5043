"""Fingerprints: the canonical PDQ of Meta's reference implementation, MD5, SHA-256."""

from __future__ import annotations

import hashlib

import numpy as np
import pdqhash
from tests.images import encode, photo
from threatexchange.signal_type.pdq.signal import PdqSignal

from papote.safety.media.content import Limits, decode, orient
from papote.safety.media.signals import fingerprint, pdq_distance

# The canonical PDQ of tests.images.photo(seed=1) (a known, deterministic picture) as
# Meta's reference implementation (pdqhash 0.2.8) gave it when this test was written.
KNOWN_PDQ = "4fb04c9d6f704073cb4067cf1a86fec41cde3b20327d93b4b4312ba9fe01f332"


def _reference_hex(pixels: np.ndarray) -> str:
    """Meta's reference PDQ (the C++ code behind ``pdqhash``), written MSB first."""
    bits, _quality = pdqhash.compute(pixels)
    return f"{int(''.join(str(b) for b in bits), 2):064x}"


def test_pdq_is_the_reference_hash_in_canonical_hex():
    picture = photo(seed=1)
    data = encode(picture, "PNG")
    prints = fingerprint(data, orient(decode(data, Limits())))
    reference = _reference_hex(np.asarray(picture.convert("RGB")))
    assert prints.pdq == reference == KNOWN_PDQ
    assert len(prints.pdq) == 64 and prints.pdq == prints.pdq.lower()
    assert prints.pdq_quality >= 50
    # ThreatExchange's PdqSignal (what HMA banks use) reads the same file the same way
    assert PdqSignal.hash_from_bytes(data) == prints.pdq
    assert prints.md5 == hashlib.md5(data).hexdigest()
    assert prints.sha256 == hashlib.sha256(data).hexdigest()


def test_a_resized_recompressed_copy_is_near_and_another_picture_is_far():
    picture = photo(seed=3)
    original = fingerprint(b"a", picture)
    copy = picture.resize((picture.width * 7 // 10, picture.height * 7 // 10))
    data = encode(copy, "JPEG", quality=60)
    near = fingerprint(data, orient(decode(data, Limits())))
    other = fingerprint(b"b", photo(seed=11))
    assert pdq_distance(original.pdq, near.pdq) <= 31
    assert pdq_distance(original.pdq, other.pdq) > 31
    assert PdqSignal.compare_hash(original.pdq, near.pdq).match


def test_a_flat_image_has_no_reliable_pdq():
    from PIL import Image

    flat = Image.new("RGB", (300, 300), (120, 120, 120))
    prints = fingerprint(b"x", flat)
    assert prints.pdq == "" and prints.pdq_quality < 50


def test_a_turned_or_mirrored_copy_still_matches_through_the_dihedral_hashes():
    from PIL import Image

    from papote.safety.media.index import HashIndex, ListedHash

    picture = photo(seed=9)
    index = HashIndex()
    index.add([ListedHash("pdq", fingerprint(b"", picture).pdq, "bank", "ncii")])
    index.mark_ready()
    for turn in (Image.Transpose.ROTATE_90, Image.Transpose.FLIP_LEFT_RIGHT):
        copy = fingerprint(b"", picture.transpose(turn))
        assert pdq_distance(copy.pdq, fingerprint(b"", picture).pdq) > 31  # as it is: far
        assert len(copy.pdq_dihedral) == 8 and copy.pdq_dihedral[0] == copy.pdq
        matches = index.query(pdqs=copy.pdq_dihedral)
        assert matches and matches[0].distance <= 31
    assert index.query(pdqs=fingerprint(b"", photo(seed=10)).pdq_dihedral) == []
