"""Planning inspections: a joint inspection, a campaign, or an inspector's spot check."""

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, SubmitField, widgets
from wtforms.validators import DataRequired, InputRequired, ValidationError

from forms import WebForm
from inspection.models.inspections import PURPOSE_LABELS, InspectionPurpose


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier than a multi-select on a phone)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _PlanBase(WebForm):
    inspected_on = DateField(_l("检查日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    after_the_fact = BooleanField(
        _l("补录已完成的检查"),
        description=_l("检查已经做过、现在才录入时勾选：日期可以是过去的某一天，检查页面上标明“补录”。"),
    )
    purpose = SelectField(_l("检查类型"))
    checklists = CheckboxesField(_l("检查表"), validators=[DataRequired(_l("请至少选择一张检查表"))])
    inspectors = CheckboxesField(_l("检查人员（每个部门至少2名）"), coerce=int)

    def __init__(
        self, *args: Any, checklists: list[tuple[str, str]], inspectors: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # a facility's self-inspection is started by its operator (forms/self_inspections.py), never planned
        self.purpose.choices = [
            (p.value, _l(label)) for p, label in PURPOSE_LABELS.items() if p != InspectionPurpose.SELF_INSPECTION
        ]
        self.checklists.choices = checklists
        self.inspectors.choices = inspectors


class PlanInspectionForm(_PlanBase):
    """A reviewer plans a joint inspection of one facility."""

    facility_id = SelectField(_l("被检查机构"), coerce=int, validators=[InputRequired()])
    lead_department_id = SelectField(_l("牵头部门"), coerce=int)
    submit = SubmitField(_l("安排检查"))

    def __init__(
        self, *args: Any, facilities: list[tuple[int, str]], departments: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.facility_id.choices = [(0, _l("请选择机构")), *facilities]
        self.lead_department_id.choices = departments

    def validate_facility_id(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("请选择机构"))


class CampaignForm(_PlanBase):
    """A reviewer plans one inspection per active facility of a township (or the whole county)."""

    region_id = SelectField(_l("范围"), coerce=int)
    lead_department_id = SelectField(_l("牵头部门"), coerce=int)
    submit = SubmitField(_l("为范围内每家机构安排检查"))

    def __init__(
        self, *args: Any, regions: list[tuple[int, str]], departments: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.region_id.choices = regions
        self.lead_department_id.choices = departments


class SpotCheckForm(_PlanBase):
    """An inspector starts an inspection of their own department's checklists on the spot."""

    facility_id = SelectField(_l("被检查机构"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("开始检查"))

    def __init__(self, *args: Any, facilities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility_id.choices = [(0, _l("请选择机构")), *facilities]

    def validate_facility_id(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("请选择机构"))
