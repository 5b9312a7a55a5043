"""How an image is fingerprinted: PDQ (perceptual), MD5 and SHA-256 (exact bytes).

PDQ is computed by Meta's reference implementation (the ``pdqhash`` bindings of its
C++ code, which ThreatExchange's ``PdqSignal`` uses) and written the way ThreatExchange
writes it: 64 lower-case hex digits, most significant bit first. That is the form
StopNCII, NCMEC and HMA banks publish, so their lists match ours. A PDQ of quality
under 50 is too unreliable to match on (ThreatExchange's ``QUALITY_THRESHOLD``): it is
kept empty.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pdqhash
from PIL import Image
from threatexchange.signal_type.pdq.signal import PdqSignal

from papote.safety.media.content import shrink

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
    pdq_dihedral: tuple[str, ...] = ()  # pdq first, then rotations and mirror images

    def to_json(self) -> dict[str, object]:
        return {
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "md5": self.md5,
            "sha256": self.sha256,
        }


PDQ_MAX_SIDE = 1024  # larger images are box-averaged down first (a few bits, 4x faster)


def pdq_of(image: Image.Image) -> tuple[tuple[str, ...], int]:
    """The eight dihedral PDQ hashes of decoded pixels (the first is the image as it
    is, in canonical hex; then its rotations and mirror images), and the quality.

    Up to 1024 px on the long side the pixels are hashed as they are, exactly as Meta's
    reference does; a larger image is first averaged down by an integer factor to at
    most 1024 px (PDQ itself reduces every image to 64x64; this moves a 12-megapixel
    photo's hash by 0-8 bits of 256, as a resize to exactly 1024 px does).
    The rotated and mirrored hashes come from the same computation (PDQ's dihedral
    transforms of the DCT): a listed image turned sideways or flipped still matches.
    """
    pixels = image if image.mode in ("RGB", "L") else image.convert("RGB")
    pixels = shrink(pixels, PDQ_MAX_SIDE)
    array = np.asarray(pixels)
    if array.ndim == 2:
        array = np.repeat(array[..., np.newaxis], 3, axis=2)
    hashes, quality = pdqhash.compute_dihedral(array)
    return tuple(_hex(bits) for bits in hashes), int(quality)


def _hex(bits: np.ndarray) -> str:
    """256 bits, most significant first, as ThreatExchange writes them (64 hex)."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def fingerprint(original: bytes, image: Image.Image) -> Fingerprints:
    variants, quality = pdq_of(image)
    reliable = quality >= PDQ_QUALITY_MIN
    return Fingerprints(
        pdq=variants[0] if reliable else "",
        pdq_quality=quality,
        pdq_dihedral=variants if reliable else (),
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
