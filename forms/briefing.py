"""The period of the joint-meeting briefing: a GET form (it reads, never changes anything, so it carries no CSRF
token), so that a period is a URL that can be bookmarked and sent on."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField

from inspection.blueprints import translated
from inspection.briefing import period_problem
from inspection.dates import DateRange


class BriefingPeriodForm(FlaskForm):
    """Start and end of the period, both days included; a problem shows at the end field, what was typed kept."""

    class Meta:
        csrf = False

    start = DateField(_l("开始日期"))
    end = DateField(_l("结束日期"))

    def period(self, today: date) -> DateRange | None:
        """Return the period typed, or None with the reason put on the form's fields."""
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
