"""The grading campaign's forms: an application with its self-assessment, the eligibility review, the on-site
assessment's team and date, the 评定委员会's decision, its publication with the certificate, and the plaque's
return."""

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
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms import WebForm
from forms.inspections import CheckboxesField

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


class AssessmentForm(WebForm):
    """A reviewer assigns the on-site assessment team (现场评审) and its date."""

    assessed_on = DateField(_l("评审日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    team = CheckboxesField(_l("评审组成员"), coerce=int)
    submit = SubmitField(_l("安排现场评审"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], minimum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = people
        self.team.description = _l("民政检查员或评审员，至少 %(n)s 名（评定规则）", n=minimum)


class DecisionForm(WebForm):
    """The 评定委员会's decision, as a reviewer records it."""

    met_on = DateField(_l("会议日期"), validators=[Optional()])
    members = TextAreaField(
        _l("参会委员"),
        validators=[Length(max=2000, message=_l("不能超过 %(max)s 字", max=2000))],
        description=_l("姓名和身份，每行一位"),
    )
    level = SelectField(
        _l("评定等级"),
        coerce=int,
        choices=[SelectChoice(n, _l("%(n)s 级", n=n)) for n in range(1, 6)] + [SelectChoice(0, _l("不予评定等级"))],
    )
    reason = TextAreaField(
        _l("理由"),
        validators=[Length(max=2000, message=_l("理由不能超过 %(max)s 字", max=2000))],
        description=_l("评定等级与申请等级或现场评审得分的等级不同时必填。"),
    )
    submit = SubmitField(_l("记录评定结果"))


class ObjectionForm(WebForm):
    """A member of the public's objection (异议) to a decision in 公示: all three fields required. The contact's
    form (a phone number or an e-mail address) is checked by the service, which says so at the field."""

    name = StringField(
        _l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=50, message=_l("姓名不能超过 50 字"))]
    )
    contact = StringField(
        _l("联系方式"),
        validators=[DataRequired(_l("请填写联系方式")), Length(max=100, message=_l("联系方式不能超过 100 字"))],
        description=_l("手机号、带区号的固定电话或电子邮箱；只有民政审核人员能看到，用于核实和答复。"),
        render_kw={"autocomplete": "tel", "inputmode": "text"},
    )
    text = TextAreaField(
        _l("异议内容"),
        validators=[DataRequired(_l("请填写异议内容")), Length(max=2000, message=_l("异议内容不能超过 2000 字"))],
        description=_l("请写明异议的事实和理由，可附可以核实的线索。"),
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("提交异议"))


class ObjectionReviewForm(WebForm):
    """A 民政 reviewer's decision on an objection: uphold (sending the case back to step 3 or 4) or dismiss, with
    reasons and a confirmation."""

    decision = RadioField(
        _l("处理结论"),
        choices=[
            SelectChoice("dismiss", _l("异议不成立，维持评定结果")),
            SelectChoice("assessment", _l("异议成立：退回重新组织现场评审")),
            SelectChoice("committee", _l("异议成立：退回评定委员会重新评定")),
        ],
        validators=[InputRequired(_l("请选择处理结论"))],
    )
    reason = TextAreaField(
        _l("处理理由"),
        validators=[
            DataRequired(_l("请填写处理理由")),
            Length(max=2000, message=_l("理由不能超过 %(max)s 字", max=2000)),
        ],
        description=_l("申请机构会看到处理结论和理由。"),
        render_kw={"rows": 3},
    )
    confirm = BooleanField(
        _l("我已核实异议所述情况；异议成立时将撤销评定结果，无法恢复"),
        validators=[DataRequired(_l("请确认已核实异议"))],
    )
    submit = SubmitField(_l("提交处理结论"))


class PublishForm(WebForm):
    """Publication of the committee's decision (公布): the decision's 文号 and date, confirmed."""

    decision_number = StringField(
        _l("评定文号"),
        validators=[DataRequired(_l("请填写评定文号")), Length(max=60, message=_l("不能超过 %(max)s 字", max=60))],
        description=_l("公布评定结果的文件文号，例如 五民发〔2026〕12号"),
    )
    published_on = DateField(_l("公布日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    confirmed = BooleanField(
        _l("我已核对：公布后该等级即为机构的等级，并签发等级证书，不能撤回"),
        validators=[DataRequired(_l("请确认后再公布"))],
    )
    submit = SubmitField(_l("公布并签发证书"))


class PlaqueReturnForm(WebForm):
    """The plaque and certificate came back (标牌和证书交回)."""

    returned_on = DateField(_l("交回日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    submit = SubmitField(_l("登记标牌和证书已交回"))
