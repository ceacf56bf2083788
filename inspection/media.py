"""Checking and normalising uploaded images by decoding them, never by trusting names or headers. Pure: no Flask."""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from inspection.i18n import N_, Message

#: Largest upload accepted before decoding (the phone sends ≈ 300 KB).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Largest decoded image accepted: refuses decompression bombs before they are decoded.
MAX_PIXELS = 40_000_000
#: Long side of a stored photo, as the phone downscales it.
PHOTO_LONG_SIDE = 1600
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
SIGNATURE_MAX_SIDE = 2000
#: The county's clock: EXIF times carry no zone, and a camera in the county shows Beijing time (UTC+8, no DST).
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
#: How far ahead of the server's clock a phone's capture time may be (phone clocks drift) before it is refused.
CLOCK_SKEW = timedelta(hours=1)
#: Decimal places kept of a coordinate (about 0.1 m), as the columns hold them.
COORDINATE_PLACES = Decimal("0.000001")


class MediaError(ValueError):
    """The upload is not an acceptable image; the message says why, in Chinese."""


class MediaTooLarge(MediaError):
    """The upload exceeds the size limit."""


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """A re-encoded image without metadata, with the hash of the bytes it was made from and what was worth keeping
    from their EXIF."""

    data: bytes
    content_type: str
    width: int
    height: int
    #: SHA-256 (hex) of the bytes as received, before decoding.
    received_sha256: str
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def sha256(self) -> str:
        """Return the SHA-256 (hex) of the re-encoded image, as it is stored."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class Capture:
    """When and where the phone says a photo was taken (its clock and, when permitted, its geolocation)."""

    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def local_time(moment: datetime) -> datetime:
    """Return a stored (naive UTC) time as the county's naive local time, for printing."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)


def read_capture(
    taken_at: datetime | None, latitude: str | None, longitude: str | None, now: datetime
) -> tuple[Capture, dict[str, str]]:
    """Check a capture time (naive UTC) and place sent with a photo; return it and the errors by field name.

    A place is both coordinates or neither, each within its range (±90°, ±180°), kept to six decimals.
    A time later than `now` plus CLOCK_SKEW is refused: a photo cannot be taken in the future.
    """
    errors: dict[str, str] = {}
    if taken_at is not None and taken_at > now + CLOCK_SKEW:
        errors["captured_at"] = N_("拍摄时间晚于当前时间")
        taken_at = None
    place = {"latitude": latitude or None, "longitude": longitude or None}
    if (place["latitude"] is None) != (place["longitude"] is None):
        missing = "latitude" if place["latitude"] is None else "longitude"
        errors[missing] = N_("经度和纬度须同时提供")
        return Capture(taken_at), errors
    degrees: dict[str, Decimal | None] = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        degrees[name] = _coordinate(place[name], limit)
        if place[name] is not None and degrees[name] is None:
            errors[name] = Message(N_("应为 -%(limit)s 到 %(limit)s 之间的度数"), limit=limit)
    if "latitude" in errors or "longitude" in errors:
        return Capture(taken_at), errors
    return Capture(taken_at, degrees["latitude"], degrees["longitude"]), errors


def _coordinate(text: str | None, limit: int) -> Decimal | None:
    if text is None or len(text) > 30:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > limit:
        return None
    return value.quantize(COORDINATE_PLACES)


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
    received = hashlib.sha256(data).hexdigest()
    return ProcessedImage(
        out.getvalue(), "image/jpeg", image.width, image.height, received, taken_at, latitude, longitude
    )


def process_signature(data: bytes) -> ProcessedImage:
    """Decode a signature drawn on a canvas (PNG) and re-encode it as a clean PNG.

    :raises MediaError: not a decodable PNG, or unreasonably large.
    """
    image = _decode(data, {"PNG"})
    if max(image.size) > SIGNATURE_MAX_SIDE:
        raise MediaError(Message(N_("签名图片过大（最长边不超过 %(side)s 像素）"), side=SIGNATURE_MAX_SIDE))
    image = image.convert("LA" if image.mode in ("L", "LA") else "RGBA")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return ProcessedImage(out.getvalue(), "image/png", image.width, image.height, hashlib.sha256(data).hexdigest())


def _decode(data: bytes, formats: set[str]) -> Image.Image:
    if not data:
        raise MediaError(N_("文件为空"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise MediaTooLarge(Message(N_("文件过大（上限 %(size)s MB）"), size=MAX_UPLOAD_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in formats:
                raise MediaError(
                    Message(
                        N_("不支持的图片格式：%(format)s（只接受 %(accepted)s）"),
                        format=image.format or Message(N_("未知")),
                        accepted="、".join(sorted(formats)),
                    )
                )
            if image.width * image.height > MAX_PIXELS:
                raise MediaError(
                    Message(N_("图片像素过多（%(width)s×%(height)s），已拒绝"), width=image.width, height=image.height)
                )
            _load_strictly(image)  # full decode: a truncated file fails here
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(N_("图片像素过多，已拒绝")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise MediaError(N_("无法识别为图片，或图片文件已损坏")) from None
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
            local = datetime.strptime(raw_time.strip(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=LOCAL_ZONE)
            taken_at = local.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC, as every time is
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
