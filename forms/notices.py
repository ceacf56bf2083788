"""Issuing and correcting notices."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from forms import WebForm
from inspection.models import NoticeMode


class IssueNoticesForm(WebForm):
    """The lead chooses one notice per department or one joint notice."""

    mode = RadioField(_l("通知书形式"), default=NoticeMode.PER_DEPARTMENT.value)
    submit = SubmitField(_l("生成并发出整改通知书"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = [
            (NoticeMode.PER_DEPARTMENT.value, _l("各部门分别发出")),
            (NoticeMode.JOINT.value, _l("联合检查整改通知书（各部门联合）")),
        ]


class SupersedeForm(WebForm):
    """Correct an issued notice by issuing a superseding one."""

    reason = StringField(_l("更正原因"), validators=[DataRequired(_l("请说明更正原因")), Length(max=500)])
    submit = SubmitField(_l("发出更正后的通知书"))
