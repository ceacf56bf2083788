"""What responsible inspectors record on a hazard besides its follow-up: the 整改要求 printed on the notice, and
消防's 重大火灾隐患 determination (GB 35181) that alone lets the credit list be proposed (DOMAIN §15.5)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from forms import WebForm


class RequirementForm(WebForm):
    """An inspector of the responsible department rewords the requirement before the notice is issued."""

    requirement = TextAreaField(
        _l("整改要求"),
        validators=[DataRequired(_l("请填写整改要求")), Length(max=2000)],
        description=_l("写明要做什么，例如：立即拆除二楼东侧安全出口门锁，保持疏散通道畅通。不要写成问句。"),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("保存整改要求"))


class FireDeterminationForm(WebForm):
    """消防 records that the 消防救援机构 determined the hazard a 重大火灾隐患 under GB 35181."""

    document_no = StringField(
        _l("判定文书编号"),
        validators=[DataRequired(_l("请填写重大火灾隐患判定文书编号")), Length(max=100)],
        description=_l("消防救援机构依据 GB 35181 集体讨论作出的重大火灾隐患判定文书"),
    )
    determined_on = DateField(_l("判定日期"), validators=[InputRequired(_l("请选择日期"))])
    submit = SubmitField(_l("登记重大火灾隐患判定"))
