"""The facility register form."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms import WebForm
from inspection.blueprints import translated
from inspection.identifiers import IdentifierError, normalize_phone, normalize_uscc
from inspection.models import FacilityType, FireAcceptance, Ownership
from inspection.templating import label


def _choices(enum: Any, kind: str) -> list[tuple[str, str]]:
    return [(member.value, label(member, kind)) for member in enum]


class FacilityForm(WebForm):
    """Create or edit a register entry; the view passes the townships as `townships=[(id, name)]`."""

    name = StringField(_l("机构名称"), validators=[DataRequired(_l("请填写机构名称")), Length(max=100)])
    type = SelectField(_l("机构类型"), validators=[InputRequired()])
    ownership = SelectField(_l("运营性质"), validators=[InputRequired()])
    region_id = SelectField(_l("所在乡镇"), coerce=int, validators=[InputRequired(_l("请选择乡镇"))])
    address = StringField(_l("地址"), validators=[DataRequired(_l("请填写地址")), Length(max=200)])
    uscc = StringField(
        _l("统一社会信用代码"),
        validators=[Optional()],
        description=_l("18位，含校验位；尚未取得的可留空"),
        render_kw={"autocapitalize": "characters", "spellcheck": "false", "maxlength": 18},
    )
    legal_representative = StringField(_l("法定代表人"), validators=[Optional(), Length(max=50)])
    person_in_charge = StringField(_l("负责人"), validators=[DataRequired(_l("请填写负责人")), Length(max=50)])
    phone = StringField(
        _l("联系电话"), validators=[DataRequired(_l("请填写联系电话"))], render_kw={"inputmode": "tel", "type": "tel"}
    )
    beds = IntegerField(_l("床位数"), validators=[InputRequired(_l("请填写床位数")), NumberRange(min=0, max=10000)])
    residents = IntegerField(
        _l("在住老人数"), validators=[InputRequired(_l("请填写在住老人数")), NumberRange(min=0, max=10000)]
    )
    residents_disabled = IntegerField(_l("其中失能"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)])
    residents_semi_disabled = IntegerField(
        _l("其中半失能"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    has_canteen = BooleanField(_l("设有食堂"))
    has_medical_unit = BooleanField(_l("设有内设医疗机构"))
    has_special_equipment = BooleanField(_l("有特种设备（电梯、锅炉、氧气管道等）"))
    offers_ten_services = BooleanField(
        _l("提供十项基本服务"),
        description=_l(
            "出入院、生活照料、膳食、清洁卫生、洗涤、医疗护理、文化娱乐、心理/精神支持、安宁、委托服务；等级评定的前提"
        ),
    )
    has_campus_roads = BooleanField(
        _l("有院区或内部道路"), description=_l("无院区或内部道路的，等级评定不评院内交通一项")
    )
    is_key_fire_unit = BooleanField(
        _l("消防安全重点单位"), description=_l("由消防救援机构确定；重点单位须每日防火巡查（《消防法》第17条）")
    )
    #: The values are str() of the stored flag, so the edit form shows it; "" (or nothing sent) lets the type decide.
    is_residential = SelectField(
        _l("养老机构（参加等级评定）"),
        choices=[SelectChoice("", _l("按机构类型")), SelectChoice("True", _l("是")), SelectChoice("False", _l("否"))],
        validate_choice=False,
        description=_l(
            "设有床位、提供住养服务的养老机构参加等级评定；日间照料中心等不参加。按机构类型：敬老院、社会福利中心、"
            "民办养老机构为“是”"
        ),
    )
    opened_on = DateField(_l("开业运营日期"), validators=[Optional()], description=_l("等级评定资格按运营月数核对"))
    filed_on = DateField(_l("养老机构备案日期"), validators=[Optional()], description=_l("未备案的留空"))
    last_penalty_on = DateField(
        _l("最近一次行政处罚日期"),
        validators=[Optional()],
        description=_l("含行政强制、刑事处罚；没有的留空。近期受过处罚的不能申请等级评定"),
    )
    fire_acceptance = SelectField(_l("消防验收/备案"))
    food_licence_no = StringField(_l("食品经营许可证号"), validators=[Optional(), Length(max=50)])
    food_licence_expiry = DateField(_l("食品经营许可证有效期至"), validators=[Optional()])
    latitude = DecimalField(_l("纬度"), places=6, validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = DecimalField(_l("经度"), places=6, validators=[Optional(), NumberRange(min=-180, max=180)])
    submit = SubmitField(_l("保存"))

    def __init__(self, *args: Any, townships: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = _choices(FacilityType, "facility_type")
        self.ownership.choices = _choices(Ownership, "ownership")
        self.fire_acceptance.choices = _choices(FireAcceptance, "fire_acceptance")
        self.region_id.choices = [(0, _l("请选择乡镇")), *townships]

    def validate_uscc(self, field: StringField) -> None:
        try:
            field.data = normalize_uscc(field.data)
        except IdentifierError as exc:
            raise ValidationError(translated(exc)) from exc

    def validate_phone(self, field: StringField) -> None:
        try:
            field.data = normalize_phone(field.data)
        except IdentifierError as exc:
            raise ValidationError(translated(exc)) from exc

    def validate_region_id(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("请选择乡镇"))

    def validate_residents(self, field: IntegerField) -> None:
        disabled = (self.residents_disabled.data or 0) + (self.residents_semi_disabled.data or 0)
        if field.data is not None and disabled > field.data:
            raise ValidationError(_l("失能与半失能人数之和不能超过在住老人数"))

    def register_data(self) -> dict[str, Any]:
        """Return the values for the register service."""
        data = {name: field.data for name, field in self._fields.items() if name not in ("submit", "csrf_token")}
        data["uscc"] = data["uscc"] or None
        data["is_residential"] = {"True": True, "False": False}.get(data["is_residential"])
        data["residents_disabled"] = data["residents_disabled"] or 0
        data["residents_semi_disabled"] = data["residents_semi_disabled"] or 0
        return data


class FacilityImportForm(WebForm):
    """Upload a register file (.xlsx or .csv) to preview its import."""

    file = FileField(
        _l("名录文件（.xlsx 或 .csv）"),
        validators=[FileRequired(_l("请选择文件"))],
        description=_l("按统一社会信用代码匹配：已在名录中的机构更新，其余新建"),
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField(_l("上传并预览"))


class ImportConfirmForm(WebForm):
    """Confirm the import previewed: the stored upload's token and the digest of the plan shown."""

    token = HiddenField(validators=[DataRequired(), Length(max=43)])
    plan = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("确认导入"))
