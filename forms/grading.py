"""The grading campaign's forms: an application with its self-assessment, and the eligibility review."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms import WebForm

MAX_REASON = 1000


class ApplicationForm(WebForm):
    """The operator's application. The self-assessment's answers are the checklist's items, posted as
    ``r-<code>`` (合格/不合格/不适用), ``d-<code>`` (扣分) and ``n-<code>`` (说明); the view reads them."""

    level = SelectField(
        _l("申请等级"),
        coerce=int,
        choices=[SelectChoice(0, _l("请选择"))] + [SelectChoice(n, _l("%(n)s 级", n=n)) for n in range(1, 6)],
        validators=[DataRequired(_l("请选择申请等级"))],
    )
    submit = SubmitField(_l("提交申请"))


class ReviewForm(WebForm):
    """A 民政 reviewer's eligibility decision (资格审查)."""

    decision = SelectField(
        _l("审查结论"),
        choices=[SelectChoice("accept", _l("通过")), SelectChoice("refuse", _l("不予通过"))],
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("理由"),
        validators=[Length(max=MAX_REASON, message=_l("理由不能超过 %(max)s 字", max=MAX_REASON))],
        description=_l("不予通过时必填，申请机构会看到。"),
    )
    submit = SubmitField(_l("提交审查结论"))
