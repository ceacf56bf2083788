"""Returning (退回) a grading result to the inspectors with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms import WebForm
from inspection.services.reviews import MAX_COMMENT


class ReturnGradingForm(WebForm):
    """A reviewer returns a submitted grading result; the lead reads the reason, corrects and submits again."""

    reason = TextAreaField(
        _l("退回原因"),
        validators=[
            DataRequired(_l("请填写退回原因")),
            Length(max=MAX_COMMENT, message=_l("退回原因不能超过 %(max)s 字", max=MAX_COMMENT)),
        ],
        description=_l("写明需要更正什么，检查组会在检查页面看到。"),
    )
    submit = SubmitField(_l("退回"))
