"""The 双随机 spot-check draw: which department's pool, which checklist and day, which facilities to draw from."""

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from forms import WebForm
from forms.common import SentOnce
from inspection.services.planning import MIN_INSPECTORS_PER_DEPARTMENT
from inspection.services.sampling import MAX_FACILITIES_PER_DRAW, MAX_INSPECTORS_PER_FACILITY


class DrawForm(SentOnce, WebForm):
    """A reviewer draws facilities and inspectors at random; the inspections are planned at once."""

    department_id = SelectField(_l("抽取检查员的部门"), coerce=int)
    checklist_code = SelectField(_l("检查表"), description=_l("只能选择全部由该部门负责的检查表。"))
    inspected_on = DateField(_l("检查日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    township_id = SelectField(_l("机构范围：乡镇"), coerce=int)
    facility_type = SelectField(_l("机构范围：类型"))
    facility_count = IntegerField(
        _l("抽取机构数"),
        validators=[
            InputRequired(_l("请填写抽取机构数")),
            NumberRange(min=1, max=MAX_FACILITIES_PER_DRAW, message=_l("应为 %(min)s–%(max)s 的整数")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    inspectors_per_facility = IntegerField(
        _l("每家机构抽取检查员数"),
        default=MIN_INSPECTORS_PER_DEPARTMENT,
        validators=[
            InputRequired(_l("请填写检查员数")),
            NumberRange(
                min=MIN_INSPECTORS_PER_DEPARTMENT,
                max=MAX_INSPECTORS_PER_FACILITY,
                message=_l("应为 %(min)s–%(max)s 的整数"),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    confirmed = BooleanField(
        _l("我已知晓：抽取结果一经产生即记录在案，不能修改或重抽，并在公示页面公开"),
        validators=[DataRequired(_l("请确认后再抽取"))],
    )
    submit = SubmitField(_l("随机抽取并安排检查"))

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[int, str]],
        checklists: list[tuple[str, str]],
        townships: list[tuple[int, str]],
        types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.department_id.choices = departments
        self.checklist_code.choices = checklists
        self.township_id.choices = [(0, _l("全部乡镇")), *townships]
        self.facility_type.choices = [("", _l("全部类型")), *types]
