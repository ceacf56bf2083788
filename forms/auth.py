"""Login."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from forms import WebForm


class LoginForm(WebForm):
    """Username and password."""

    username = StringField(
        _l("用户名"),
        validators=[DataRequired(_l("请输入用户名")), Length(max=50)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(_l("请输入密码"))], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("登录"))
