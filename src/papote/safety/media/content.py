"""What an uploaded image is: sniffed by content, decoded with limits, re-encoded clean.

The original bytes are only read here: the output is a new image, at most
``max_side`` pixels on its long side, in sRGB colours (an embedded ICC profile, such
as a phone's Display P3 or a camera's Adobe RGB, is applied first), oriented as the
camera meant (EXIF orientation applied) and carrying no metadata at all (EXIF, GPS,
XMP, ICC profile, comments), plus a heavily blurred derivative for people who have
not chosen to see the image.

Opaque images are re-encoded as JPEG (libjpeg-turbo: ~15 ms for 3 megapixels, where
WebP took 250-500 ms on the same machine, past the 300 ms budget of an upload);
images with transparency as WebP (lossy, with alpha).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFilter, ImageOps

# Magic bytes of the three accepted formats (the file name and declared type are ignored).
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"WEBP", 8, "WEBP"),
)
JPEG_QUALITY = 85
WEBP_QUALITY = 80
BLUR_SIDE = 64  # the blurred derivative is tiny and scaled up: nothing recognisable survives
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# ICC colour space -> the image modes a transform from it accepts, and the mode it gives
_ICC_MODES = {"RGB": {"RGB": "RGB", "RGBA": "RGBA"}, "GRAY": {"L": "RGB"}, "CMYK": {"CMYK": "RGB"}}


class ImageRefused(Exception):
    """An upload that is not an acceptable image; ``code`` is the protocol's error code."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_pixels: int = 40_000_000  # against decompression bombs (a 12 MP photo is far below)
    max_side: int = 2048  # long side of the re-encoded image


@dataclass(frozen=True, slots=True)
class CleanImage:
    """The re-encoded image and its blurred derivative, without any metadata."""

    data: bytes  # JPEG, or WebP when the image has transparency
    blurred: bytes
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The format named by the first bytes, or None (only JPEG, PNG, WebP are accepted)."""
    for magic, offset, name in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if name == "WEBP" and not data.startswith(b"RIFF"):
                return None
            return name
    return None


def decode(data: bytes, limits: Limits) -> Image.Image:
    """Open and decode, refusing bombs before the pixels are allocated. Large images
    come out reduced to between ``max_side`` and twice that on their long side: JPEG
    by libjpeg's scaled decoding, PNG and WebP (which Pillow can only decode at full
    size) by an integer box reduction at once, so that every later step (colour
    conversion, orientation, resizing) handles a fraction of the pixels."""
    if len(data) > limits.max_bytes:
        raise ImageRefused("too_large")
    fmt = sniff(data)
    if fmt is None:
        raise ImageRefused("unsupported_media", "not a JPEG, PNG or WebP file")
    Image.MAX_IMAGE_PIXELS = limits.max_pixels  # Pillow's own guard, as a second line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = opened.size
            if width * height > limits.max_pixels or width < 1 or height < 1:
                raise ImageRefused("too_large", f"{width}x{height} pixels")
            _draft(opened, limits.max_side)
            if getattr(opened, "n_frames", 1) > 1:
                opened.seek(0)  # animated images: the first frame only
            opened.load()
            image = _reduce(opened, limits.max_side)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("too_large", "decompression bomb") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRefused("unsupported_media", type(exc).__name__) from None
    return image


def _draft(image: Image.Image, max_side: int) -> None:
    """Let the JPEG decoder scale down by 2, 4 or 8 while the result stays near the
    final size: a 12-megapixel photo decodes at 2000x1500 in a third of the time."""
    if image.format != "JPEG":
        return
    width, height = image.size
    scale = 1
    while scale < 8 and max(width, height) / (scale * 2) >= max_side * 0.9:
        scale *= 2
    if scale > 1:
        image.draft(image.mode, (width // scale, height // scale))


def _reduce(image: Image.Image, max_side: int) -> Image.Image:
    """A PNG or WebP at least twice ``max_side`` reduced by the integer factor that keeps
    its long side at or above ``max_side`` (boxes of pixels averaged, as JPEG's scaled
    decoding does); its metadata is kept for orientation and colour."""
    factor = max(image.size) // max_side
    if image.format == "JPEG" or factor < 2:
        return image
    if image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        image = _plain_mode(image)
    return image.reduce(factor)


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has any transparency."""
    if image.mode.startswith("I"):  # 16-bit grey (PNG): 0-65535, a plain convert clips
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


def to_srgb(image: Image.Image) -> Image.Image:
    """The colours an embedded ICC profile means, in sRGB: metadata is stripped after
    this, and a Display P3 or Adobe RGB photo read as sRGB looks washed out. An image
    without a profile is taken as sRGB; an unreadable profile, or one that does not fit
    the image's mode, is ignored (the pixels are kept as they are)."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space = source.profile.xcolor_space.strip()
        if image.mode == "P" and space == "RGB":
            image = _plain_mode(image)
        out_mode = _ICC_MODES.get(space, {}).get(image.mode)
        if out_mode is None:
            return image
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    if converted is None:
        return image
    # the transform gives a bare image: keep the rest of the metadata for orientation
    converted.info = {key: v for key, v in image.info.items() if key != "icc_profile"}
    return converted


def orient(image: Image.Image) -> Image.Image:
    """The pixels as the camera meant them (ICC colours in sRGB, EXIF orientation), in
    RGB or RGBA."""
    coloured = to_srgb(image)
    upright = ImageOps.exif_transpose(coloured) or coloured
    return _plain_mode(upright)


def shrink(image: Image.Image, side: int) -> Image.Image:
    """At most ``side`` px on the long side, by averaging boxes of pixels (an integer
    factor: a 2000 px image becomes 1000 px in a few milliseconds, where a resize to
    exactly 1024 px takes four times longer for the same PDQ). The image itself when it
    is small enough."""
    factor = math.ceil(max(image.size) / side)
    return image.reduce(factor) if factor > 1 else image


def _encode(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    out = io.BytesIO()
    # A fresh image carries no info dict: no EXIF, XMP, ICC profile or comment is written.
    if image.mode == "RGBA":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=2)
    else:
        image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def media_type(data: bytes) -> str:
    """The content type of stored bytes (``image/jpeg`` or ``image/webp``)."""
    return "image/webp" if sniff(data) == "WEBP" else "image/jpeg"


def _bare(image: Image.Image) -> Image.Image:
    """A copy holding only pixels (Pillow would otherwise carry metadata in ``info``)."""
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    return bare


def reencode(upright: Image.Image, limits: Limits) -> CleanImage:
    image = upright
    if max(image.size) > limits.max_side:
        image = image.copy()
        image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    image = _bare(image)
    small = image.copy()
    small.thumbnail((BLUR_SIDE, BLUR_SIDE), Image.Resampling.BILINEAR)
    blurred = small.filter(ImageFilter.GaussianBlur(4)).resize(
        (max(1, image.width // 4), max(1, image.height // 4)), Image.Resampling.BILINEAR
    )
    return CleanImage(_encode(image), _encode(blurred, 60), image.width, image.height)
