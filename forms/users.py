"""Account management form."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forms import WebForm
from inspection.models import Role
from inspection.passwords import MIN_PASSWORD_LENGTH
from inspection.templating import label


class UserForm(WebForm):
    """Create or edit an account; the view passes the region, department and facility choices."""

    username = StringField(
        _l("用户名"),
        validators=[
            DataRequired(),
            Length(min=2, max=50),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、点、下划线和连字符")),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("角色"))
    region_id = SelectField(_l("所属区域"), coerce=int)
    department_id = SelectField(_l("所属部门"), coerce=int)
    facility_id = SelectField(_l("所负责机构"), coerce=int)
    credential_no = StringField(_l("执法证号"), validators=[Optional(), Length(max=50)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "tel"})
    active = BooleanField(_l("启用"), default=True)
    password = PasswordField(
        _l("密码"),
        validators=[
            Optional(),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("密码至少 %(n)s 个字符", n=MIN_PASSWORD_LENGTH)),
        ],
        description=_l("新建账户必填；编辑时留空表示不修改"),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("保存"))

    def __init__(
        self,
        *args: Any,
        regions: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        facilities: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, label(role, "role")) for role in Role]
        self.region_id.choices = regions
        self.department_id.choices = [(0, _l("（无）")), *departments]
        self.facility_id.choices = [(0, _l("（无）")), *facilities]

    def account_data(self) -> dict[str, Any]:
        """Return the values for the account service (without the password)."""
        data = {
            name: self[name].data
            for name in ("username", "display_name", "role", "region_id", "credential_no", "phone", "active")
        }
        data["department_id"] = self.department_id.data or None
        data["facility_id"] = self.facility_id.data or None
        return data
