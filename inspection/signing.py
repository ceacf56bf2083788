"""Signing issued documents: a PAdES baseline signature with the issuing department's key. Pure: no Flask.

`sign_pdf` is the only place that signs. It makes a PAdES B-B signature (ETSI EN 319 142-1; ``ETSI.CAdES.detached``)
with pyHanko, or B-T when a timestamp authority URL is given, as an incremental update of the PDF, so the document
stays PDF/A-3b (ISO 19005-3 allows incremental updates and signature fields). Anyone can check the result with tools
nobody here wrote (Adobe Reader, poppler's ``pdfsig``, pyHanko).

China's national seal format (GB/T 38540 SM2 electronic seals, issued by a provincial CA's seal service) is out of
reach here: no such service or library is available. A deployment that has one replaces `sign_pdf` (same arguments,
signed PDF bytes back); nothing else in CareInspect signs.

The visible stamp is placed over the template element with ``id="seal-area"`` (WeasyPrint writes every element id
as a named destination, so the signer finds the spot in the PDF itself) and shows the department, the signing time
and the certificate serial number, in the notice's own font so that it stays embedded as PDF/A requires.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from inspection.i18n import N_, Message
from inspection.signing_ca import is_demo_certificate

#: Named destination (an element id in the print template) where the signature's visible stamp goes.
SEAL_ANCHOR = "seal-area"
#: Size of the stamp in PDF points (1 mm = 72 / 25.4 pt): as wide as a seal block of the template (44 mm).
STAMP_WIDTH = 44 * 72 / 25.4
STAMP_HEIGHT = 25 * 72 / 25.4
SIGNATURE_FIELD = "DepartmentSeal"
#: Signing times on the stamp are shown in the county's time zone.
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")
_STAMP_FONT = Path(__file__).resolve().parent / "static" / "fonts" / "NotoSerifCJKsc-Regular.otf"
_STAMP_FONT_SIZE = 7
#: Seals are red; the stamp's text and frame are too.
_SEAL_RED = (0.75, 0.05, 0.05)


class SigningKeyError(ValueError):
    """A department has no usable key: none configured, or its PKCS#12 file cannot be read."""


@dataclass(frozen=True)
class DepartmentSigner:
    """A department's signing key and certificate, loaded from its PKCS#12 file."""

    department_name: str
    pkcs12: bytes
    password: bytes
    certificate: x509.Certificate

    @classmethod
    def from_pkcs12(cls, data: bytes, password: bytes, department_name: str) -> DepartmentSigner:
        """Read a PKCS#12 file (key, certificate and any chain certificates).

        :raises SigningKeyError: if it cannot be decrypted or holds no key and certificate.
        """
        try:
            key, certificate, _chain = pkcs12.load_key_and_certificates(data, password)
        except ValueError as error:
            raise SigningKeyError(
                Message(
                    N_("%(department)s的签名证书文件无法读取（密码错误或不是 PKCS#12）：%(error)s"),
                    department=department_name,
                    error=str(error),
                )
            ) from None
        if key is None or certificate is None:
            raise SigningKeyError(
                Message(N_("%(department)s的签名证书文件中没有私钥和证书"), department=department_name)
            )
        return cls(department_name, data, password, certificate)

    @property
    def serial(self) -> str:
        """The certificate's serial number in upper-case hex, as certificate viewers show it."""
        return format(self.certificate.serial_number, "X")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), lower-case hex."""
        return self.certificate.fingerprint(_sha256()).hex()

    @property
    def subject_common_name(self) -> str:
        """The certificate's subject CN, e.g. 五寨县民政局（演示）."""
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()

    @property
    def is_demo(self) -> bool:
        """Whether the certificate comes from the demo CA (refused in production by check-deploy)."""
        return is_demo_certificate(self.certificate)


def key_setting_names(department_code: str) -> tuple[str, str]:
    """Return the settings naming a department's PKCS#12 file and its password, e.g. SIGNING_P12_MZ and
    SIGNING_P12_PASSWORD_MZ."""
    code = department_code.upper()
    return f"SIGNING_P12_{code}", f"SIGNING_P12_PASSWORD_{code}"


def setting(name: str, settings: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    """Return a signing setting: the environment variable of that name, else the app setting (instance/config.py or
    ``CAREINSPECT_<NAME>``), else ""."""
    value = environ.get(name) or settings.get(name) or ""
    return str(value)


def department_signer(
    department_code: str, department_name: str, settings: Mapping[str, Any], environ: Mapping[str, str]
) -> DepartmentSigner:
    """Load the signing key of a department from the PKCS#12 file its settings name.

    :raises SigningKeyError: if no file is configured, or it cannot be read or decrypted.
    """
    path_name, password_name = key_setting_names(department_code)
    path = setting(path_name, settings, environ)
    if not path:
        raise SigningKeyError(
            Message(
                N_("%(department)s没有配置签名证书（%(path)s、%(password)s）"),
                department=department_name,
                path=path_name,
                password=password_name,
            )
        )
    try:
        modified = Path(path).stat().st_mtime_ns
    except OSError:
        raise SigningKeyError(
            Message(
                N_("%(department)s的签名证书文件不存在或不可读：%(setting)s=%(path)s"),
                department=department_name,
                setting=path_name,
                path=path,
            )
        ) from None
    password = setting(password_name, settings, environ)
    return _load_signer(path, modified, password, department_name)


@lru_cache(maxsize=64)
def _load_signer(path: str, _modified: int, password: str, department_name: str) -> DepartmentSigner:
    """Read a PKCS#12 file once per version of the file (its modification time is part of the cache key)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise SigningKeyError(
            Message(N_("%(department)s的签名证书文件不可读：%(path)s"), department=department_name, path=path)
        ) from None
    return DepartmentSigner.from_pkcs12(data, password.encode(), department_name)


@dataclass(frozen=True)
class SignedDocument:
    """Signed PDF bytes and the certificate they were signed with."""

    pdf: bytes
    certificate_serial: str
    certificate_sha256: str


def sign_pdf(pdf_bytes: bytes, signer: DepartmentSigner, *, signed_at: datetime, tsa_url: str | None = None) -> bytes:
    """Sign a PDF as the department: PAdES B-B, or B-T with a timestamp from `tsa_url`.

    The signature covers the whole file as rendered; a visible stamp (department, signing time, certificate serial)
    sits at the ``seal-area`` element, or at the top right of the first page if the document has none.

    :param pdf_bytes: the PDF/A-3b document as rendered.
    :param signer: the issuing department's key and certificate.
    :param signed_at: the signing time recorded in the signature (timezone-aware).
    :param tsa_url: an RFC 3161 timestamp authority; None signs without a timestamp (still a valid signature).
    :return: the signed PDF: the input bytes followed by one incremental update.
    :raises ValueError: if `signed_at` is naive.
    """
    from pyhanko.sign import fields, signers, timestamps

    if signed_at.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    writer = _metadata_keeping_writer_class()(BytesIO(pdf_bytes), strict=False)
    page, box = _stamp_box(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=signer.department_name,
        reason="签发",
        location=signer.department_name,
    )
    pdf_signer = _pdf_signer_at_class()(
        metadata,
        _pyhanko_signer(signer.pkcs12, signer.password),
        signed_at=signed_at,
        timestamper=timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None,
        stamp_style=_stamp_style(signer.department_name),
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=box),
    )
    shown_at = signed_at.astimezone(DISPLAY_ZONE)
    output = _outside_event_loop(
        lambda: pdf_signer.sign_pdf(
            writer,
            appearance_text_params={
                "department": signer.department_name,
                "signed_at": f"{shown_at:%Y-%m-%d %H:%M:%S} (UTC+8)",
                "serial": _grouped(signer.serial),
            },
        )
    )
    return output.getvalue()


def _outside_event_loop(work: Callable[[], Any]) -> Any:
    """Run `work` here, or on a short-lived thread when this thread already runs an event loop: pyHanko's
    synchronous API starts its own loop (``asyncio.run``), which fails inside a running one (a caller driven by an
    async framework, or by Playwright's synchronous API in the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_document(
    pdf_bytes: bytes, signer: DepartmentSigner, *, signed_at: datetime | None = None, tsa_url: str | None = None
) -> SignedDocument:
    """Sign with `sign_pdf` (now, unless `signed_at` is given) and say with which certificate."""
    signed = sign_pdf(pdf_bytes, signer, signed_at=signed_at or datetime.now(UTC), tsa_url=tsa_url)
    return SignedDocument(signed, signer.serial, signer.fingerprint)


def _stamp_box(writer) -> tuple[int, tuple[float, float, float, float]]:
    """Return the page index and box (x1, y1, x2, y2 in points) of the stamp: below and right of the ``seal-area``
    destination's top-left corner."""
    from pyhanko.pdf_utils import generic

    root = writer.root
    destination = None
    names = root.get("/Names")
    if names is not None and "/Dests" in names:
        destination = _find_name(names["/Dests"], SEAL_ANCHOR)
    pages = [writer.find_page_for_modification(i)[0] for i in range(_page_count(writer))]
    if destination is not None:
        if isinstance(destination, generic.DictionaryObject):
            destination = destination["/D"]
        page_id, left, top = destination.raw_get(0).idnum, float(destination[2]), float(destination[3])
        page_index = next((i for i, page in enumerate(pages) if page.idnum == page_id), 0)
        return page_index, (left, top - STAMP_HEIGHT, left + STAMP_WIDTH, top)
    media_box = writer.find_page_for_modification(0)[0].get_object()["/MediaBox"]
    right, top = float(media_box[2]), float(media_box[3])
    return 0, (right - 36 - STAMP_WIDTH, top - 36 - STAMP_HEIGHT, right - 36, top - 36)


def _page_count(writer) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _find_name(tree, name: str):
    """Look `name` up in a PDF name tree (``/Names`` pairs, possibly split into ``/Kids``)."""
    if "/Names" in tree:
        pairs = tree["/Names"]
        for index in range(0, len(pairs), 2):
            if str(pairs[index]) == name:
                return pairs[index + 1].get_object()
    for kid in tree.get("/Kids", ()):
        found = _find_name(kid.get_object(), name)
        if found is not None:
            return found
    return None


def _grouped(hex_serial: str) -> str:
    """Split a long serial into groups of four, five groups a line, so it fits the stamp: 5A3F 0C19 …"""
    groups = [hex_serial[i : i + 4] for i in range(0, len(hex_serial), 4)]
    return "\n".join(" ".join(groups[i : i + 5]) for i in range(0, len(groups), 5))


#: What the stamp says; the department's name, the time and the serial fill it in.
_STAMP_TEXT = "%(department)s（电子签章）\n签章时间：%(signed_at)s\n证书序列号：\n%(serial)s"
#: Characters of the time and the serial (hex, grouped): with the template's own, every glyph but the name's.
_STAMP_VARIABLE_CHARACTERS = "0123456789ABCDEF -:+()UTC"


@lru_cache(maxsize=64)
def _stamp_style(department_name: str):
    """The stamp's look for one department: red frame and text in the notice's serif font, embedded as a subset."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = _stamp_font(frozenset(department_name + _STAMP_TEXT + _STAMP_VARIABLE_CHARACTERS))

    class PreparedFontFactory(GlyphAccumulatorFactory):
        """Hand pyHanko the font prepared for this stamp, from memory (its own factory opens the font file for every
        signature and never closes it)."""

        def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer, font_handle=BytesIO(font), font_size=self.font_size, obj_stream=obj_stream
            )

    return TextStampStyle(
        stamp_text=_STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=PreparedFontFactory(str(_STAMP_FONT), font_size=_STAMP_FONT_SIZE),
            font_size=_STAMP_FONT_SIZE,
            leading=_STAMP_FONT_SIZE + 2,
            text_color=_SEAL_RED,
        ),
        border_width=1,
        border_color=_SEAL_RED,
        background=None,
    )


def _stamp_font(characters: frozenset[str]) -> bytes:
    """Cut the 12 MB CJK font down to the stamp's characters once per department: pyHanko subsets the font it is
    given on every signature, which on the whole font costs about half a second."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(_STAMP_FONT) as font:
        subsetter = subset.Subsetter(subset.Options(name_IDs=["*"], notdef_outline=True))
        subsetter.populate(text="".join(sorted(characters)))
        subsetter.subset(font)
        out = BytesIO()
        font.save(out)
    return out.getvalue()


@cache
def _sha256():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _pyhanko_signer(data: bytes, password: bytes):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password)


@cache
def _pdf_signer_at_class():
    """Define, on first use, a pyHanko `PdfSigner` whose signing time is the one given rather than the clock's
    (pyHanko has no public setting for it)."""
    from pyhanko.sign import signers

    class PdfSignerAt(signers.PdfSigner):
        def __init__(self, *args, signed_at: datetime, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.signed_at = signed_at

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self.signed_at
            return session

    return PdfSignerAt


@cache
def _metadata_keeping_writer_class():
    """Define, on first use, a pyHanko incremental writer that leaves the document information and XMP alone.

    pyHanko appends itself to the ``/Info`` producer and rewrites the XMP producer differently, and PDF/A requires the
    two to agree (ISO 19005-3, 6.6.2.3); WeasyPrint wrote them in agreement, so the update keeps them as they are.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKeepingWriter(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            pass

    return MetadataKeepingWriter
