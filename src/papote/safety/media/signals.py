"""How an image is fingerprinted: PDQ (perceptual), MD5 and SHA-256 (exact bytes).

PDQ is computed by Meta's reference implementation (the ``pdqhash`` bindings that
ThreatExchange uses) and written the way ThreatExchange writes it: 64 lower-case hex
digits, most significant bit first. That is the form StopNCII, NCMEC and HMA banks
publish, so their lists match ours. A PDQ of quality under 50 is too unreliable to
match on (ThreatExchange's ``PdqSignal.QUALITY_THRESHOLD``): it is kept empty.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image
from threatexchange.signal_type.pdq.pdq_hasher import _pdq_from_numpy_array
from threatexchange.signal_type.pdq.signal import PdqSignal

PDQ_QUALITY_MIN = PdqSignal.QUALITY_THRESHOLD
PDQ_MATCH_DISTANCE = 31  # ThreatExchange's PDQ_CONFIDENT_MATCH_THRESHOLD
_PDQ_RE = re.compile(r"^[0-9a-f]{64}$")
_MD5_RE = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True)
class Fingerprints:
    pdq: str  # canonical 64-hex, or "" when the quality is too low to match on
    pdq_quality: int
    md5: str  # of the original bytes, as uploaded
    sha256: str

    def to_json(self) -> dict[str, object]:
        return {
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "md5": self.md5,
            "sha256": self.sha256,
        }


PDQ_MAX_SIDE = 1024  # larger images are box-averaged down first (a few bits, 4x faster)


def pdq_of(image: Image.Image) -> tuple[str, int]:
    """Canonical PDQ hex and quality of decoded pixels (RGB or greyscale).

    Up to 1024 px on the long side the pixels are hashed as they are, exactly as Meta's
    reference does; a larger image is first averaged down to 1024 px (PDQ itself reduces
    every image to 64x64; this moves a 12-megapixel photo's hash by 2-4 bits of 256).
    """
    pixels = image if image.mode in ("RGB", "L") else image.convert("RGB")
    if max(pixels.size) > PDQ_MAX_SIDE:
        pixels = pixels.copy()
        pixels.thumbnail((PDQ_MAX_SIDE, PDQ_MAX_SIDE), Image.Resampling.BOX)
    array = np.asarray(pixels)
    if array.ndim == 2:
        array = np.repeat(array[..., np.newaxis], 3, axis=2)
    hex_hash, quality = _pdq_from_numpy_array(array)
    return str(hex_hash), int(quality)


def fingerprint(original: bytes, image: Image.Image) -> Fingerprints:
    pdq, quality = pdq_of(image)
    return Fingerprints(
        pdq=pdq if quality >= PDQ_QUALITY_MIN else "",
        pdq_quality=quality,
        md5=hashlib.md5(original, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(original).hexdigest(),
    )


def is_pdq(value: str) -> bool:
    return bool(_PDQ_RE.match(value))


def is_md5(value: str) -> bool:
    return bool(_MD5_RE.match(value))


def pdq_distance(a: str, b: str) -> int:
    """Hamming distance of two canonical PDQ hex strings."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
