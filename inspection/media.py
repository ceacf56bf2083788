"""Checking and normalising uploaded images by decoding them, never by trusting names or headers. Pure: no Flask."""

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

#: Largest upload accepted before decoding (the phone sends ≈ 300 KB).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Largest decoded image accepted: refuses decompression bombs before they are decoded.
MAX_PIXELS = 40_000_000
#: Long side of a stored photo, as the phone downscales it.
PHOTO_LONG_SIDE = 1600
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
SIGNATURE_MAX_SIDE = 2000


class MediaError(ValueError):
    """The upload is not an acceptable image; the message says why, in Chinese."""


class MediaTooLarge(MediaError):
    """The upload exceeds the size limit."""


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """A re-encoded image without metadata, with what was worth keeping from its EXIF."""

    data: bytes
    content_type: str
    width: int
    height: int
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def process_photo(data: bytes) -> ProcessedImage:
    """Decode a finding photo, downscale it to PHOTO_LONG_SIDE, re-encode as JPEG without EXIF.

    :raises MediaError: empty, too large, not a decodable JPEG/PNG/WebP, truncated, or a pixel bomb.
    """
    image = _decode(data, PHOTO_FORMATS)
    taken_at, latitude, longitude = _exif_fields(image)
    image = image.convert("RGB")
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return ProcessedImage(out.getvalue(), "image/jpeg", image.width, image.height, taken_at, latitude, longitude)


def process_signature(data: bytes) -> ProcessedImage:
    """Decode a signature drawn on a canvas (PNG) and re-encode it as a clean PNG.

    :raises MediaError: not a decodable PNG, or unreasonably large.
    """
    image = _decode(data, {"PNG"})
    if max(image.size) > SIGNATURE_MAX_SIDE:
        raise MediaError(f"签名图片过大（最长边不超过 {SIGNATURE_MAX_SIDE} 像素）")
    image = image.convert("LA" if image.mode in ("L", "LA") else "RGBA")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return ProcessedImage(out.getvalue(), "image/png", image.width, image.height)


def _decode(data: bytes, formats: set[str]) -> Image.Image:
    if not data:
        raise MediaError("文件为空")
    if len(data) > MAX_UPLOAD_BYTES:
        raise MediaTooLarge(f"文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in formats:
                raise MediaError(f"不支持的图片格式：{image.format or '未知'}（只接受 {'、'.join(sorted(formats))}）")
            if image.width * image.height > MAX_PIXELS:
                raise MediaError(f"图片像素过多（{image.width}×{image.height}），已拒绝")
            _load_strictly(image)  # full decode: a truncated file fails here
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError("图片像素过多，已拒绝") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise MediaError("无法识别为图片，或图片文件已损坏") from None
    return image


def _load_strictly(image: Image.Image) -> None:
    """Decode fully, refusing truncated data even when a library (WeasyPrint, on import) has switched on Pillow's
    process-wide LOAD_TRUNCATED_IMAGES."""
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _exif_fields(image: Image.Image) -> tuple[datetime | None, Decimal | None, Decimal | None]:
    exif = image.getexif()
    taken_at = None
    raw_time = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if isinstance(raw_time, str):
        try:
            taken_at = datetime.strptime(raw_time.strip(), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken_at = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _gps_degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
    longitude = _gps_degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    return taken_at, latitude, longitude


def _gps_degrees(value: object, ref: object, limit: int) -> Decimal | None:
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if ref in ("S", "W"):
        result = -result
    if abs(result) > limit:
        return None
    return result.quantize(Decimal("0.000001"))
