"""The credit blacklist (失信联合惩戒对象名单): listing, dismissing a proposal, deciding a removal."""

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms import WebForm
from forms.inspections import CheckboxesField
from inspection.models.followup import CREDIT_GROUND_LABELS


class ListingForm(WebForm):
    """A reviewer lists a facility (or its person in charge); `evidence=[(value, label)]` are its records."""

    ground = SelectField(_l("列入情形"), validators=[InputRequired()])
    decided_on = DateField(_l("决定日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    decision_document = StringField(
        _l("列入决定文书"),
        validators=[DataRequired(_l("请填写列入决定文书")), Length(max=200)],
        description=_l("文书字号或标题，例如：五民信〔2026〕1号"),
    )
    person_name = StringField(
        _l("列入的个人（可选）"),
        validators=[Optional(), Length(max=100)],
        description=_l("列入的是机构负责人等个人时填写姓名；列入机构本身时留空"),
    )
    evidence = CheckboxesField(_l("证据：本机构的检查记录和通知书"), validators=[Optional()])
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("列入名单"))

    def __init__(self, *args: Any, evidence: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ground.choices = [(ground.value, _l(label)) for ground, label in CREDIT_GROUND_LABELS.items()]
        self.evidence.choices = evidence

    def validate_decided_on(self, field: DateField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("决定日期不能晚于今天"))

    def evidence_links(self) -> list[dict[str, Any]]:
        """Return the chosen evidence as [{"type": "inspection"|"notice"|"hazard", "id": n}]."""
        links = []
        for value in self.evidence.data or []:
            kind, _sep, number = value.partition(":")
            links.append({"type": kind, "id": int(number)})
        return links


class DismissForm(WebForm):
    """A reviewer declines the app's proposal, with a reason."""

    reason = TextAreaField(
        _l("不予列入的理由"),
        validators=[DataRequired(_l("请说明不予列入的理由")), Length(max=1000)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("不予列入"))


class RemovalDecisionForm(WebForm):
    """A reviewer decides an application for removal."""

    decision = RadioField(
        _l("决定"),
        choices=[SelectChoice("approve", _l("准予移出名单")), SelectChoice("refuse", _l("不予移出，继续列入"))],
        validators=[InputRequired(_l("请选择决定"))],
    )
    reason = TextAreaField(
        _l("决定理由"), validators=[DataRequired(_l("请填写决定理由")), Length(max=1000)], render_kw={"rows": 2}
    )
    confirm = BooleanField(
        _l("我已核实申请材料（满两年，且无新的严重失信行为或已完成整改）"),
        validators=[DataRequired(_l("请确认已核实申请材料"))],
    )
    submit = SubmitField(_l("作出决定"))
