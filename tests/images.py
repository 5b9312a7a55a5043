"""Images generated for the tests: photo-like pictures, EXIF with GPS, bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageFilter

GPS_IFD = 0x8825


def photo(seed: int = 1, size: tuple[int, int] = (900, 650)) -> Image.Image:
    """A deterministic picture with structure (shapes, gradients, texture): PDQ quality
    is high, as it is for real photos."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a sky-like vertical gradient
        shade = int(40 + 180 * y / height)
        draw.line([(0, y), (width, y)], fill=((shade * seed) % 256, shade, 255 - shade))
    state = seed * 7919
    for _ in range(40):
        state = (state * 1103515245 + 12345) % 2**31
        x, y = state % width, (state // width) % height
        radius = 20 + state % 90
        colour = (state % 256, (state // 256) % 256, (state // 65536) % 256)
        if state % 2:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
        else:
            draw.rectangle([x - radius, y - radius // 2, x + radius, y + radius // 2], fill=colour)
    return image.filter(ImageFilter.SMOOTH)


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg_with_gps(image: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG whose EXIF holds a GPS position, a camera model and an orientation."""
    exif = Image.Exif()
    exif[0x0110] = "Pixel Camera Secret Model"  # Model
    exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0), 5: b"\x00", 6: 35.0}
    )
    return encode(image, "JPEG", exif=exif, quality=92, comment=b"secret comment")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 10_000) -> bytes:
    """A valid greyscale PNG of side x side black pixels, compressed to a few hundred KB
    (built row by row: the pixels never exist in memory here)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    parts = [compressor.compress(row) for _ in range(side)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


XMP_SECRET = b"Papote-XMP-secret"


def with_every_metadata(image: Image.Image, fmt: str) -> bytes:
    """The image in ``fmt`` (JPEG, PNG or WEBP) carrying EXIF (camera model, GPS), an
    ICC profile, XMP and, where the format has one, a comment or text chunk."""
    from PIL import ImageCms, PngImagePlugin

    exif = Image.Exif()
    exif[0x0110] = "SecretCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'about="' + XMP_SECRET + b'"/></rdf:RDF></x:xmpmeta>'
    )
    params: dict[str, object] = {"exif": exif, "icc_profile": icc}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret png text")
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        params["pnginfo"] = info
    else:
        params["xmp"] = xmp
    if fmt == "JPEG":
        params["comment"] = b"secret comment"
    return encode(image, fmt, **params)


# Colorants of wide-gamut RGB spaces, adapted to the ICC's D50 white (as the profiles
# phones and cameras embed carry them), and their tone curve as a plain gamma.
WIDE_GAMUTS = {
    "Display P3": ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841)),
    "Adobe RGB": ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446)),
}
SRGB_D50 = ((0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141))
D50 = (0.9642, 1.0, 0.8249)
GAMMA = 563 / 256  # 2.19921875, Adobe RGB's; Display P3 uses the sRGB curve, close to it


def rgb_icc_profile(name: str) -> bytes:
    """A minimal ICC v2 display profile (matrix and gamma) for one of ``WIDE_GAMUTS``:
    what a phone's Display P3 or a camera's Adobe RGB photo embeds, in essence."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \x00\x00\x00\x00" + b"".join(s15(v) for v in values)

    text = name.encode()
    desc = (
        b"desc\x00\x00\x00\x00"
        + struct.pack(">I", len(text) + 1)
        + text
        + b"\x00"
        + b"\x00" * 8  # no Unicode description
        + b"\x00" * 3  # no ScriptCode description
        + b"\x00" * 67
    )
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(GAMMA * 256)) + b"\x00\x00"
    red, green, blue = WIDE_GAMUTS[name]
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(D50)),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\x00\x00\x00\x00generated for tests\x00"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\x00" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"none"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(s15(v) for v in D50)
        + b"none"
    )
    header += b"\x00" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def wide_gamut_to_srgb(name: str, rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """What ``rgb`` in the profile ``name`` is in sRGB, computed by hand (linear light
    through the colorant matrices, then sRGB's curve): the expected pixels."""
    import numpy as np

    linear = (np.array(rgb, dtype=float) / 255) ** GAMMA
    xyz = np.array(WIDE_GAMUTS[name]).T @ linear
    srgb_linear = np.clip(np.linalg.solve(np.array(SRGB_D50).T, xyz), 0, 1)
    encoded = np.where(
        srgb_linear <= 0.0031308, 12.92 * srgb_linear, 1.055 * srgb_linear ** (1 / 2.4) - 0.055
    )
    red, green, blue = (round(float(v)) for v in encoded * 255)
    return red, green, blue
