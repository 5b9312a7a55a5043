"""Sniffing, decoding with limits, orientation, re-encoding without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.images import (
    encode,
    jpeg_with_gps,
    photo,
    png_bomb,
    rgb_icc_profile,
    wide_gamut_to_srgb,
)

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


# A skin tone, inside sRGB's gamut whichever profile it is read in.
SKIN = (200, 150, 120)


@pytest.mark.parametrize("profile", ["Display P3", "Adobe RGB"])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_icc_profile_is_applied_in_srgb_then_dropped(profile, fmt):
    icc = rgb_icc_profile(profile)
    lossless = {"quality": 100, "subsampling": 0} if fmt == "JPEG" else {}
    if fmt == "WEBP":
        lossless = {"lossless": True}
    original = encode(Image.new("RGB", (300, 200), SKIN), fmt, icc_profile=icc, **lossless)
    upright = orient(decode(original, LIMITS))
    expected = wide_gamut_to_srgb(profile, SKIN)
    assert max(abs(a - b) for a, b in zip(expected, SKIN, strict=True)) >= 8  # a real change
    pixel = upright.getpixel((150, 100))
    assert max(abs(a - b) for a, b in zip(pixel, expected, strict=True)) <= 1, (pixel, expected)
    clean = reencode(upright, LIMITS)
    served = Image.open(io.BytesIO(clean.data))
    assert "icc_profile" not in served.info and icc not in clean.data
    served_pixel = served.getpixel((150, 100))
    assert max(abs(a - b) for a, b in zip(served_pixel, expected, strict=True)) <= 3


def test_an_unreadable_icc_profile_leaves_the_pixels_as_they_are():
    original = encode(Image.new("RGB", (64, 64), SKIN), "PNG", icc_profile=b"not a profile")
    upright = orient(decode(original, LIMITS))
    assert upright.getpixel((5, 5)) == SKIN
    assert "icc_profile" not in Image.open(io.BytesIO(reencode(upright, LIMITS).data)).info


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_large_png_and_webp_are_reduced_at_decode_keeping_orientation(fmt):
    # 5000x2600, shown turned (EXIF orientation 6): decoded reduced by 2, at least 2048
    big = photo(seed=4, size=(5000, 2600))
    exif = Image.Exif()
    exif[0x0112] = 6
    params = {"compress_level": 1} if fmt == "PNG" else {"quality": 90}
    decoded = decode(encode(big, fmt, exif=exif, **params), LIMITS)
    assert decoded.size == (2500, 1300)
    upright = orient(decoded)
    assert upright.size == (1300, 2500)
    clean = reencode(upright, LIMITS)
    assert (clean.width, clean.height) == (1065, 2048)
    # the same picture as the full-size path gives: turned, scaled, colours kept
    expected = big.transpose(Image.Transpose.ROTATE_270).resize((1065, 2048))
    served = Image.open(io.BytesIO(clean.data)).convert("RGB")
    diff = [abs(a - b) for a, b in zip(served.tobytes(), expected.tobytes(), strict=True)]
    assert sum(diff) / len(diff) < 6


def test_an_image_within_twice_the_limit_is_decoded_at_full_size():
    decoded = decode(encode(photo(size=(4000, 1000)), "PNG"), LIMITS)
    assert decoded.size == (4000, 1000)  # 4000 // 2048 = 1: nothing to gain


def test_a_16_bit_grey_png_keeps_its_tones():
    ramp = b"".join(int(x * 65535 / 255).to_bytes(2, "little") for x in range(256)) * 8
    grey16 = Image.frombytes("I;16", (256, 8), ramp)
    upright = orient(decode(encode(grey16, "PNG"), LIMITS))
    assert upright.mode == "RGB"
    assert [upright.getpixel((x, 4))[0] for x in (0, 64, 128, 255)] == [0, 64, 128, 255]
