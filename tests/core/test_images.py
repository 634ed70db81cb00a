"""image_sanitize: real JPEG/PNG/WebP only, limits before decoding, orientation applied, and
nothing of the upload but its pixels kept (no EXIF/GPS, XMP, ICC, comment)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from safecommune.core.errors import ValidationFailed
from safecommune.core.images import image_sanitize

MB = 1024 * 1024
LIMITS = {"max_bytes": 2 * MB, "max_pixels": 4_000_000}


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_metadata(size=(40, 20), orientation=6) -> bytes:
    """A JPEG a phone could send: GPS position, camera, orientation, ICC, comment and XMP."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    exif[ExifTags.Base.DateTime] = "2026:03:10 08:30:00"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (21.0, 2.0, 3.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (105.0, 51.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, icc_profile=icc, comment=b"Nguyen Van An's phone",
               xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>GPS 21.03 105.85</x:xmpmeta>")
    return output.getvalue()


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    output = io.BytesIO()
    image.save(output, fmt, **params)
    return output.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` with almost no pixel data: the shape
    of a decompression bomb, and cheap to make."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def rule_of(caught) -> tuple[str, str]:
    error = caught.value.as_list()[0]
    assert error["message"]
    return error["field"], error["rule"]


def test_gps_exif_xmp_icc_and_comment_are_gone_and_orientation_applied():
    original = jpeg_with_metadata()
    assert b"Exif" in original and b"xmpmeta" in original  # the fixture really has them

    result = image_sanitize(upload(original), **LIMITS)

    kept = Image.open(io.BytesIO(result.content))
    assert kept.format == "JPEG" and result.content_type == "image/jpeg"
    assert not kept.getexif()
    assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(kept.info)
    for marker in (b"Exif", b"xmpmeta", b"Canon", b"Nguyen", b"GPS"):
        assert marker not in result.content
    # Orientation 6 (rotate 90° clockwise to view): a 40×20 stored image is shown 20×40.
    assert (result.width, result.height) == kept.size == (20, 40)
    assert result.source_format == "JPEG"


def test_png_with_text_and_transparency_becomes_a_flat_jpeg():
    image = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (10, 10, 20, 20))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 21.03N 105.85E")
    result = image_sanitize(upload(encoded(image, "PNG", pnginfo=info), "x.png"), **LIMITS)
    kept = Image.open(io.BytesIO(result.content))
    assert kept.format == "JPEG" and kept.mode == "RGB"
    assert min(kept.getpixel((0, 0))) > 230  # transparency laid on white (JPEG is lossy)
    assert b"21.03N" not in result.content


@pytest.mark.parametrize("fmt,mode", [("WEBP", "RGB"), ("PNG", "I;16"), ("PNG", "P"),
                                      ("JPEG", "L"), ("JPEG", "CMYK")])
def test_every_accepted_format_and_mode_comes_out_as_rgb_jpeg(fmt, mode):
    image = Image.new(mode, (16, 12))
    result = image_sanitize(upload(encoded(image, fmt), "whatever.bin",
                                   "application/octet-stream"), **LIMITS)
    kept = Image.open(io.BytesIO(result.content))
    assert (kept.format, kept.mode, kept.size) == ("JPEG", "RGB", (16, 12))
    assert result.source_format == fmt


def test_large_photo_is_scaled_down_to_the_longer_side():
    result = image_sanitize(upload(encoded(Image.new("RGB", (2400, 1200), "blue"), "JPEG")),
                            max_side=800, **LIMITS)
    assert (result.width, result.height) == (800, 400)


@pytest.mark.parametrize("data,name", [
    (b"%PDF-1.7\n1 0 obj << >> endobj\n", "scan.jpg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
    (b"MZ\x90\x00" + b"\x00" * 200, "photo.webp"),
])
def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(data, name):
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(data, name, "image/jpeg"), **LIMITS)
    assert rule_of(caught) == ("photo", "format")


def test_other_image_formats_and_damaged_images_are_refused():
    gif = encoded(Image.new("RGB", (8, 8)), "GIF")
    truncated = encoded(Image.new("RGB", (64, 64), "red"), "JPEG")[:200]
    for data in (gif, truncated):
        with pytest.raises(ValidationFailed) as caught:
            image_sanitize(upload(data), **LIMITS)
        assert rule_of(caught) == ("photo", "format")


def test_oversize_file_is_refused_before_it_is_read():
    class Huge:
        size = 3 * MB

        def read(self, *args):
            raise AssertionError("read before the size check")

    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(Huge(), **LIMITS)
    assert rule_of(caught) == ("photo", "max_size")
    assert "2 MB" in caught.value.message


def test_oversize_stream_without_a_size_is_cut_at_the_limit():
    stream = io.BytesIO(b"\xff" * (LIMITS["max_bytes"] + 1))
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(stream, **LIMITS)
    assert rule_of(caught) == ("photo", "max_size")


def test_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(b""), **LIMITS)
    assert rule_of(caught) == ("photo", "required")


def test_huge_pixel_count_is_refused_from_the_header_without_decoding():
    bomb = png_header_only(30_000, 30_000)
    assert len(bomb) < 200
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(bomb, "bomb.png"), **LIMITS)
    assert rule_of(caught) == ("photo", "max_pixels")


def test_pillows_own_bomb_error_is_a_clear_refusal_too():
    # Above twice Image.MAX_IMAGE_PIXELS Pillow refuses while opening, whatever our limit.
    bomb = png_header_only(20_000, 20_000)
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(bomb, "bomb.png"), max_bytes=MB, max_pixels=10 ** 12)
    assert rule_of(caught) == ("photo", "max_pixels")


def test_real_compressed_bomb_is_refused():
    # 6,000 × 6,000 black pixels compress to a few kilobytes.
    data = encoded(Image.new("1", (6000, 6000)), "PNG")
    assert len(data) < 100_000
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(data, "bomb.png"), **LIMITS)
    assert rule_of(caught) == ("photo", "max_pixels")


def test_field_name_is_the_callers():
    with pytest.raises(ValidationFailed) as caught:
        image_sanitize(upload(b"nope"), field="attachment", **LIMITS)
    assert rule_of(caught) == ("attachment", "format")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_an_image_or_a_validation_error_never_a_crash(data):
    try:
        result = image_sanitize(io.BytesIO(data), **LIMITS)
    except ValidationFailed as exc:
        assert exc.rule in ("format", "required", "max_pixels")
    else:
        assert Image.open(io.BytesIO(result.content)).format == "JPEG"


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=20, max_value=600))
def test_corrupted_jpegs_never_crash(noise, offset):
    data = bytearray(encoded(Image.new("RGB", (32, 32), "green"), "JPEG"))
    data[offset:offset + len(noise)] = noise
    try:
        image_sanitize(io.BytesIO(bytes(data)), **LIMITS)
    except ValidationFailed as exc:
        assert exc.rule in ("format", "max_pixels")
