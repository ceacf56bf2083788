"""The period of the joint-meeting briefing. Reading it is a GET form (it changes nothing, so it carries no CSRF
token, and a period is a URL that can be bookmarked and sent on); issuing the PDF is a POST with CSRF."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.widgets import HiddenInput

from forms import WebForm
from forms.common import SentOnce
from inspection.blueprints import translated
from inspection.briefing import period_problem
from inspection.dates import DateRange


class PeriodFields:
    """The rule both forms apply to their `start` and `end` date fields."""

    start: DateField
    end: DateField

    def period(self, today: date) -> DateRange | None:
        """Return the period typed, or None with the reason put on the fields (what was typed stays in them)."""
        for field in (self.start, self.end):
            typed = (field.raw_data or [""])[0]
            field.errors = [_l("日期格式应为 YYYY-MM-DD")] if typed and field.data is None else []
        if self.start.errors or self.end.errors:
            return None
        problem = period_problem(self.start.data, self.end.data, today)
        if problem:
            field = self.start if self.start.data is None else self.end
            field.errors = [translated(problem)]
            return None
        return DateRange(self.start.data, self.end.data)


class BriefingPeriodForm(PeriodFields, FlaskForm):
    """Start and end of the period, both days included."""

    class Meta:
        csrf = False

    start = DateField(_l("开始日期"))
    end = DateField(_l("结束日期"))


class IssueBriefingForm(SentOnce, PeriodFields, WebForm):
    """Issue the briefing of the period on the page as a stored PDF."""

    start = DateField(widget=HiddenInput())
    end = DateField(widget=HiddenInput())
