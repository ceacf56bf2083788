"""Template helpers: labels for enums, date formats, the navigation of each role, a facility's score chart, and
rule texts and criterion codes in words in the reader's language (``|explanation``, ``|in_words``, ``|criterion``)."""

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime

from flask import Flask
from flask_babel import format_datetime, get_locale, gettext
from markupsafe import Markup

from inspection.blueprints import explanation_words, translated
from inspection.charts import line_chart
from inspection.i18n import LABELS
from inspection.models import Role  # importing the models also registers their labels
from inspection.scoring.rankings import group_key
from inspection.script_strings import script_strings
from inspection.security import may_see_rankings
from inspection.services.facility_history import ScoreHistory
from inspection.wording import criterion_words, in_words


class TranslatedLabels(Mapping[object, str]):
    """An enum's registered labels, each translated into the request's language when it is read."""

    def __init__(self, labels: Mapping[object, str]) -> None:
        self._labels = labels

    def __getitem__(self, value: object) -> str:
        text = self._labels[value]
        return gettext(text) if text else text

    def __iter__(self) -> Iterator[object]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


class Labels:
    """Every enum's labels by the name they were registered under: ``labels.hazard_status[h.status]``."""

    def __getattr__(self, name: str) -> TranslatedLabels:
        try:
            return TranslatedLabels(LABELS[name])
        except KeyError:
            raise AttributeError(name) from None


def label(value: object, kind: str) -> str:
    """Return the translated label of `value` among the labels registered as `kind` (the value itself when it
    has none), e.g. ``user.role|label("role")``."""
    return str(TranslatedLabels(LABELS[kind]).get(value, value))


def ymd(value: date | datetime | None) -> str:
    """Format a date as YYYY-MM-DD; datetimes in local time with minutes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    return value.isoformat()


def score_chart(scores: ScoreHistory) -> Markup:
    """Draw a facility's scores over time (``history.scores|score_chart``) as an SVG line chart; the page shows the
    same numbers as a table."""
    kinds = gettext("、").join(gettext(header) for header in scores.headers)
    desc = gettext("按检查日期列出%(kinds)s检查得分率（%%）；数据同下表。", kinds=kinds)
    labels = [on.strftime("%y-%m") for on in scores.dates]
    series = [replace(s, name=gettext(s.name)) for s in scores.series]  # the checklist data's words
    return line_chart("score-history", gettext("得分率变化"), desc, labels, series, colon=gettext("："))


def init_templating(app: Flask) -> None:
    """Register the filters used by the templates."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.globals["labels"] = Labels()
    app.jinja_env.filters["ymd"] = ymd
    app.jinja_env.filters["score_chart"] = score_chart
    # ``ic.result|explanation`` (a stored result), ``p.decided_by|explanation`` (its explanation as a message)
    app.jinja_env.filters["explanation"] = explanation_words
    app.jinja_env.filters["in_words"] = lambda text: in_words(text, gettext)
    app.jinja_env.filters["criterion"] = lambda code: criterion_words(code, gettext)
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["script_strings"] = script_strings
    app.jinja_env.globals["may_see_rankings"] = may_see_rankings
    app.jinja_env.globals["group_key"] = group_key
