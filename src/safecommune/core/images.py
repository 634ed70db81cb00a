"""Uploaded photos made safe to keep: checked, decoded, turned upright and re-encoded as JPEG.

Nothing of the upload survives but its pixels: EXIF (GPS position, camera, time), XMP, IPTC,
ICC profiles, comments and any bytes appended after the image are gone, because a new JPEG is
written from the decoded pixels alone. See docs/decisions/0015-images.md.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from safecommune.core.errors import ValidationFailed

# Decoders Pillow may try; the name and the declared content type of the upload are ignored.
FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPE = "image/jpeg"
JPEG_QUALITY = 85
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class SanitizedImage:
    content: bytes
    width: int
    height: int
    source_format: str
    content_type: str = CONTENT_TYPE

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _fail(field: str, rule: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "rule": rule, "message": message}])


def _read_limited(uploaded_file, *, max_bytes: int, field: str) -> bytes:
    """The upload's bytes, refused before decoding when it is larger than ``max_bytes``."""
    too_big = _fail(field, "max_size",
                    _("The image is larger than %(limit)s MB; send a smaller one.")
                    % {"limit": f"{max_bytes / (1024 * 1024):.3g}"})
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise too_big
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    chunks, total = [], 0
    while True:
        chunk = uploaded_file.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise too_big
        chunks.append(chunk)
    if total == 0:
        raise _fail(field, "required", _("The image file is empty."))
    return b"".join(chunks)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels converted from an embedded colour profile to sRGB, so dropping it keeps colours."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                         outputMode=image.mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency is laid on white (JPEG has no alpha)."""
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode.startswith("I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGB")


def image_sanitize(uploaded_file, *, max_bytes: int, max_pixels: int,
                   max_side: int | None = None, field: str = "photo") -> SanitizedImage:
    """A JPEG holding only the upload's pixels, or ValidationFailed naming ``field`` and one
    rule: ``required`` (empty), ``max_size`` (more than ``max_bytes``, checked before
    decoding), ``format`` (not a real JPEG, PNG or WebP), ``max_pixels`` (more pixels than
    ``max_pixels``: a decompression bomb or simply too large).

    The EXIF orientation is applied to the pixels; ``max_side`` (if given) scales the longer
    side down to it.
    """
    data = _read_limited(uploaded_file, max_bytes=max_bytes, field=field)
    not_image = _fail(field, "format", _("This file is not a JPEG, PNG or WebP image, or it "
                                         "is damaged."))
    too_many = _fail(field, "max_pixels",
                     _("The image has more than %(limit)s million pixels; send a smaller "
                       "one.") % {"limit": f"{max_pixels / 1_000_000:.3g}"})
    try:
        # Pillow refuses on its own above twice Image.MAX_IMAGE_PIXELS (a bomb error); the
        # header gives the size, so our smaller limit refuses before any pixel is decoded.
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        width, height = image.size
        if width * height > max_pixels:
            raise too_many
        source_format = image.format
        if max_side and source_format == "JPEG":
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale when that still covers max_side:
            # a fraction of the memory and time for a large photo.
            image.draft("RGB", (max_side, max_side))
        image.load()
        image = _flatten(_to_srgb(ImageOps.exif_transpose(image)))
    except Image.DecompressionBombError:
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError,
            IndexError, KeyError):
        raise not_image from None
    if width <= 0 or height <= 0:
        raise not_image
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image from raw pixels carries no info dict: no EXIF, XMP, ICC or comment can
    # follow it into the file written below.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return SanitizedImage(content=output.getvalue(), width=clean.width, height=clean.height,
                          source_format=source_format)
