"""Print the joint-meeting briefing (联席会议通报) by the notices' document rules: the same print stylesheet, bundled
fonts (embedded, text extractable), PDF/A-3b and restrictive fetcher as `inspection.notices.pdf`; the charts are
the page's SVG, drawn inline. Pure: the figures come in as `inspection.briefing.Figures`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from inspection.briefing import (
    GRADING_RULE,
    OVERDUE_RULE,
    REPEATED_MAJOR_RULE,
    Figures,
    Table,
    charts,
    tables,
)
from inspection.notices.pdf import html_to_pdf, print_environment

TEMPLATE = "notices/print/briefing.html"
#: The charts' text in the PDF uses the document's own font (the page's charts use the browser's).
PRINT_FONT = 'font-family="NoticeSerif, serif"'
SCREEN_FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class BriefingDocument:
    """What the printed briefing shows: its head (from configuration and the issuing region), the period's figures."""

    title: str
    issuer: str
    issued_on: date
    figures: Figures

    @property
    def tables(self) -> list[Table]:
        return tables(self.figures)

    @property
    def charts(self) -> list[tuple[str, Markup]]:
        return [(heading, Markup(svg.replace(SCREEN_FONT, PRINT_FONT))) for heading, svg in charts(self.figures)]


def render_briefing_html(document: BriefingDocument, *, stylesheet_href: str | None = None) -> str:
    """Return the briefing as a complete HTML document (Chinese: the county's own language)."""
    return (
        print_environment()
        .get_template(TEMPLATE)
        .render(
            b=document,
            rules=[OVERDUE_RULE, REPEATED_MAJOR_RULE, GRADING_RULE],
            stylesheet_href=stylesheet_href,
        )
    )


def render_briefing_pdf(document: BriefingDocument) -> bytes:
    """Render the briefing to PDF/A-3b bytes (A4, fonts embedded as subsets)."""
    return html_to_pdf(render_briefing_html(document))
