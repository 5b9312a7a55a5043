"""Sniffing, decoding with limits, orientation, re-encoding without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.images import encode, jpeg_with_gps, photo, png_bomb

from papote.safety.media.content import ImageRefused, Limits, decode, orient, reencode, sniff

LIMITS = Limits()


def test_formats_are_identified_by_their_bytes_not_their_name():
    picture = photo(size=(64, 48))
    assert sniff(encode(picture, "JPEG")) == "JPEG"
    assert sniff(encode(picture, "PNG")) == "PNG"
    assert sniff(encode(picture, "WEBP")) == "WEBP"
    assert sniff(encode(picture, "GIF")) is None
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"\xff\xd8\xff\xe0" + b"\x00" * 50, encode(photo(size=(40, 30)), "GIF")],
)
def test_what_is_not_an_image_we_take_is_unsupported(data):
    with pytest.raises(ImageRefused) as refused:
        decode(data, LIMITS)
    assert refused.value.code == "unsupported_media"


def test_a_decompression_bomb_is_refused_before_its_pixels_exist():
    bomb = png_bomb(8_000)  # 64 megapixels in a few hundred kilobytes
    assert len(bomb) < 1_000_000
    with pytest.raises(ImageRefused) as refused:
        decode(bomb, LIMITS)
    assert refused.value.code == "too_large"


def test_too_many_bytes_are_refused():
    with pytest.raises(ImageRefused) as refused:
        decode(b"\xff\xd8\xff" + b"\x00" * 2000, Limits(max_bytes=1000))
    assert refused.value.code == "too_large"


def test_reencoded_image_has_no_metadata_and_is_upright():
    # orientation 6: the camera was turned; the stored pixels are 900x650, shown 650x900
    original = jpeg_with_gps(photo(size=(900, 650)), orientation=6)
    assert b"Pixel Camera" in original and b"secret comment" in original
    clean = reencode(orient(decode(original, LIMITS)), LIMITS)
    assert (clean.width, clean.height) == (650, 900)
    served = Image.open(io.BytesIO(clean.data))
    assert served.format == "JPEG" and served.size == (650, 900)
    assert not served.getexif() and "exif" not in served.info
    assert not {"icc_profile", "xmp", "comment"} & set(served.info)
    assert b"Pixel Camera" not in clean.data and b"secret" not in clean.data
    assert b"Exif" not in clean.data and b"XMP" not in clean.data


def test_the_long_side_is_at_most_the_limit_and_a_blurred_variant_exists():
    clean = reencode(orient(decode(encode(photo(size=(3000, 1000))), LIMITS)), LIMITS)
    assert (clean.width, clean.height) == (2048, 683)
    blurred = Image.open(io.BytesIO(clean.blurred))
    assert blurred.format == "JPEG" and blurred.width <= 2048 // 4


def test_transparency_is_kept_as_webp():
    see_through = photo(size=(200, 100)).convert("RGBA")
    see_through.putalpha(128)
    clean = reencode(orient(decode(encode(see_through, "PNG"), LIMITS)), LIMITS)
    served = Image.open(io.BytesIO(clean.data))
    assert served.format == "WEBP" and served.mode == "RGBA"
