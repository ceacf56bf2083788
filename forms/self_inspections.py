"""A facility's operator starts a self-inspection (隐患自查自改); a reviewer filters the quarter's coverage."""

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from forms import WebForm
from forms.inspections import CheckboxesField


class StartSelfInspectionForm(WebForm):
    """Which checklists, and the day (today, or a day already past when entered later)."""

    checklists = CheckboxesField(_l("检查表"), validators=[DataRequired(_l("请至少选择一张检查表"))])
    inspected_on = DateField(_l("自查日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    #: Chosen when the page is shown: a second tap on the button starts no second self-inspection.
    client_id = HiddenField()
    submit = SubmitField(_l("开始自查"))

    def __init__(self, *args: Any, checklists: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklists.choices = checklists
