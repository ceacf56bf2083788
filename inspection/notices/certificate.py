"""Print a grade certificate (等级证书) by the notices' document rules: the same print stylesheet, bundled fonts
(embedded, text extractable), PDF/A-3b and restrictive fetcher as `inspection.notices.pdf`, and a QR code to the
facility's public page. Pure: the certificate's facts come in as `CertificateDocument`.

The wording is the product's: no provincial certificate template has been found (DOMAIN §14.3), and the validity
rests on the 2018 draft standard's 3 years; the sheet says both are 待核实.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inspection.notices.pdf import html_to_pdf, print_environment
from inspection.notices.qr import qr_svg

TEMPLATE = "notices/print/certificate.html"
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


@dataclass(frozen=True)
class CertificateDocument:
    """What the printed certificate shows."""

    number: str
    facility: str
    township: str
    level: int
    decision_number: str
    issuer: str
    published_on: date
    valid_from: date
    valid_until: date
    validity_years: int
    #: The facility's public page (`/public/facilities/<id>`), which the QR code opens.
    facility_url: str
    #: The figures behind the validity are not verified (shown as 待核实).
    validity_unverified: bool

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def render_certificate_html(document: CertificateDocument, *, stylesheet_href: str | None = None) -> str:
    """Return the certificate as a complete HTML document (Chinese: the county's own language)."""
    return (
        print_environment()
        .get_template(TEMPLATE)
        .render(
            c=document,
            qr=qr_svg(document.facility_url, size_mm=26.0, label="扫码查看机构公示信息"),
            stylesheet_href=stylesheet_href,
        )
    )


def render_certificate_pdf(document: CertificateDocument) -> bytes:
    """Render the certificate to PDF/A-3b bytes (one A4 landscape page, fonts embedded as subsets)."""
    return html_to_pdf(render_certificate_html(document))
