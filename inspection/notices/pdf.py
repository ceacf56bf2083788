"""Render a `NoticeContext` to the HTML print view and to PDF/A-3b bytes with WeasyPrint.

Pipeline (STYLE.md convention 11): plain context → ``templates/notices/print/notice.html`` (a standalone Jinja
environment, so no Flask app is needed) → WeasyPrint → bytes. WeasyPrint is imported inside the functions that need
it, so importing this module (e.g. for `render_notice_html` in a view) works where its system libraries are missing.

Everything WeasyPrint loads goes through `NoticeURLFetcher`, which serves only the notice stylesheet, the project's
own font files and the ``data:`` images generated for this very notice, and refuses (logs and raises) anything else:
other files, any network scheme, redirects, unknown schemes.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from inspection.notices.context import NoticeContext, NoticeKind, image_mime_type
from inspection.notices.food_result import FoodResultContext
from inspection.notices.qr import qr_svg

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "inspection" / "static"
TEMPLATE_NAME = "notices/print/notice.html"
#: Documents printed with a template of their own; every other kind is a notice (`TEMPLATE_NAME`).
TEMPLATES: Mapping[NoticeKind, str] = {NoticeKind.FOOD_RESULT: "notices/print/food_result.html"}
#: What this module prints: a notice, or a food inspection's result record.
PrintedDocument = NoticeContext | FoodResultContext
STYLESHEET = STATIC_DIR / "css" / "notice-print.css"
FONT_FILES = (
    STATIC_DIR / "fonts" / "NotoSerifCJKsc-Regular.otf",
    STATIC_DIR / "fonts" / "NotoSerifCJKsc-Bold.otf",
)
#: Files the fetcher may read, by resolved path, with the content type it answers with.
ALLOWED_FILES: Mapping[str, str] = {
    os.path.realpath(STYLESHEET): "text/css",
    **{os.path.realpath(font): "font/otf" for font in FONT_FILES},
}
PDF_VARIANT = "pdf/a-3b"
#: Largest resolution kept for embedded photos; WeasyPrint downsamples anything finer (keeps PDFs small).
IMAGE_DPI = 200
_OUTPUT_INTENT = "notice-srgb"


class ForbiddenResourceError(ValueError):
    """A notice tried to load a resource outside the allow-list (a file, the network, an unknown scheme)."""


@dataclass(frozen=True)
class RenderedNotice:
    """The print HTML of a notice and the ``data:`` URIs it was generated with (the only ones it may load)."""

    html: str
    data_uris: frozenset[str]


def _cn_date(value: date) -> str:
    """Format a date the Chinese way, e.g. 2026年11月28日 (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _cn_number(value: int) -> str:
    """Write 1–99 in Chinese numerals, as section numbers of a document read (一、十二、二十)."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(value, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones or not tens else "")


@cache
def print_environment() -> Environment:
    """Return the Jinja environment for print templates (built once; autoescaping on, undefined names fail)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cn_date"] = _cn_date
    env.filters["iso"] = lambda value: value.isoformat()
    env.filters["cn_number"] = _cn_number
    return env


def data_uri(data: bytes) -> str:
    """Encode PNG or JPEG bytes as a base64 ``data:`` URI.

    :param data: the image bytes.
    :return: ``data:image/png;base64,...`` or ``data:image/jpeg;base64,...``.
    :raises ValueError: if the bytes are neither PNG nor JPEG.
    """
    return f"data:{image_mime_type(data)};base64,{base64.b64encode(data).decode('ascii')}"


def build_notice_html(context: PrintedDocument, *, stylesheet_href: str | None = None) -> RenderedNotice:
    """Render the print template and collect the ``data:`` URIs of this notice's images.

    :param context: the notice.
    :param stylesheet_href: URL of ``notice-print.css`` to link from the page (for the web view); the PDF renderer
        passes the stylesheet itself and leaves this None.
    :return: the HTML and the set of image URIs it contains.
    :raises ValueError: if an image is not PNG or JPEG.
    :raises jinja2.TemplateError: if the template fails.
    """
    photo_uris = [data_uri(photo.data) for photo in context.photos]
    inspector_uris = [data_uri(i.signature) if i.signature else None for i in context.inspection.inspectors]
    facility_sig = context.facility_signature.signature
    facility_uri = data_uri(facility_sig) if facility_sig else None
    html = (
        print_environment()
        .get_template(TEMPLATES.get(context.kind, TEMPLATE_NAME))
        .render(
            n=context,
            photo_uris=photo_uris,
            inspector_uris=inspector_uris,
            facility_signature_uri=facility_uri,
            qr=qr_svg(context.verification_url),
            stylesheet_href=stylesheet_href,
        )
    )
    uris = frozenset(uri for uri in [*photo_uris, *inspector_uris, facility_uri] if uri)
    return RenderedNotice(html, uris)


def render_notice_html(context: PrintedDocument, *, stylesheet_href: str | None = None) -> str:
    """Return the notice as a complete HTML document (the print view, also shown by the web app).

    Images are embedded as ``data:`` URIs and the QR code as inline SVG, so the page needs nothing but the
    stylesheet.

    :param context: the notice.
    :param stylesheet_href: URL of ``notice-print.css`` to link, e.g. ``url_for("static", filename=...)``.
    :return: the HTML.
    :raises ValueError: if an image is not PNG or JPEG.
    """
    return build_notice_html(context, stylesheet_href=stylesheet_href).html


def render_notice_pdf(context: PrintedDocument) -> bytes:
    """Render the notice, its photo appendix and its 送达回证 to a PDF/A-3b document.

    :param context: the notice.
    :return: the PDF bytes (fonts embedded as subsets, title metadata = 文号 + title).
    :raises ValueError: if an image is not PNG or JPEG.
    :raises ForbiddenResourceError: if the page asked for any resource outside the allow-list.
    """
    rendered = build_notice_html(context)
    return html_to_pdf(rendered.html, allowed_data_uris=rendered.data_uris)


def html_to_pdf(html: str, *, allowed_data_uris: Iterable[str] = ()) -> bytes:
    """Convert notice HTML to PDF/A-3b with the notice stylesheet, the bundled fonts and the restrictive fetcher.

    :param html: a document produced by `build_notice_html` (or a test page).
    :param allowed_data_uris: the exact ``data:`` URIs the page may load.
    :return: the PDF bytes.
    :raises ForbiddenResourceError: if the page or stylesheet asked for anything not allowed; nothing was fetched.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = make_url_fetcher(allowed_data_uris)
    # The CSS must be built with the FontConfiguration given to write_pdf, or @font-face is silently ignored.
    font_config = FontConfiguration()
    try:
        stylesheet = CSS(url=STYLESHEET.as_uri(), url_fetcher=fetcher, font_config=font_config)
        document = HTML(string=html, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[stylesheet],
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            dpi=IMAGE_DPI,
            **pdfa_color_options(),
        )
    except FatalURLFetchingError as error:
        cause = error.__cause__
        if isinstance(cause, ForbiddenResourceError):
            raise ForbiddenResourceError(str(cause)) from None
        raise ForbiddenResourceError(f"failed to load a notice resource: {cause or error}") from cause


@cache
def _srgb_icc() -> bytes:
    """Return the sRGB ICC profile shipped with WeasyPrint (read once, file closed)."""
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def pdfa_color_options() -> dict[str, Any]:
    """Return ``write_pdf`` options giving PDF/A its sRGB output intent from a profile we load ourselves.

    WeasyPrint 70 opens ``sRGB2014.icc`` for PDF/A and never closes it (a ResourceWarning on every render). Passing
    our own profile under another name, with ``output_intent`` pointing to it, yields the same OutputIntents entry
    without the leaked file.

    :return: keyword arguments for ``write_pdf``.
    """
    from weasyprint.css import ColorProfile

    profile = ColorProfile(BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))
    return {"color_profiles": {_OUTPUT_INTENT: profile}, "output_intent": _OUTPUT_INTENT}


def make_url_fetcher(allowed_data_uris: Iterable[str] = ()) -> Any:
    """Return a WeasyPrint URL fetcher that serves only the notice's own resources.

    Allowed: ``file:`` URLs whose resolved path is the notice stylesheet or a bundled font, and exactly the
    ``data:`` URIs given. Everything else is refused with `ForbiddenResourceError` (logged as a warning), and since
    the fetcher is built with ``fail_on_errors=True`` the refusal stops the render instead of leaving a hole.

    :param allowed_data_uris: the ``data:`` URIs generated for this notice.
    :return: a ``weasyprint.urls.URLFetcher`` instance; its ``refused`` list records refused URLs.
    """
    return _fetcher_class()(frozenset(allowed_data_uris))


@cache
def _fetcher_class() -> type:
    """Define the fetcher class on first use, so that WeasyPrint is imported only when a PDF is made."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class NoticeURLFetcher(URLFetcher):
        """Serve the allow-list from memory or disk; never open a network connection or follow a redirect."""

        def __init__(self, allowed_data_uris: frozenset[str]) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
            self._allowed_data_uris = allowed_data_uris
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.partition(":")[0].lower()
            if scheme == "data" and url in self._allowed_data_uris:
                mime, body = _decode_data_uri(url)
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if scheme == "file":
                path = _allowed_file(url)
                if path is not None:
                    return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": ALLOWED_FILES[path]})
            self.refused.append(url)
            shown = url if len(url) <= 120 else url[:117] + "..."
            log.warning("notice PDF: refused to load %s", shown)
            raise ForbiddenResourceError(f"notice resource not allowed: {shown}")

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:
            # OpenerDirector.open would reach urllib's handlers (http, ftp, redirects): route it through fetch.
            return self.fetch(getattr(url, "full_url", url))

    return NoticeURLFetcher


def _allowed_file(url: str) -> str | None:
    """Return the resolved local path of an allowed ``file:`` URL, or None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return None
    path = os.path.realpath(url2pathname(parts.path))
    return path if path in ALLOWED_FILES else None


def _decode_data_uri(url: str) -> tuple[str, bytes]:
    """Split a ``data:`` URI generated by `data_uri` into MIME type and bytes."""
    header, _, payload = url.partition(",")
    mime = header[len("data:") :].split(";")[0] or "text/plain"
    if header.endswith(";base64"):
        return mime, base64.b64decode(payload)
    return mime, unquote_to_bytes(payload)
