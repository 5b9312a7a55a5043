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
