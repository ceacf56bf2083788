"""Checklist import form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from forms import WebForm


class ChecklistImportForm(WebForm):
    """Upload a checklist TOML file to import as a new version."""

    file = FileField(
        _l("检查表文件（.toml）"), validators=[FileRequired(_l("请选择文件"))], render_kw={"accept": ".toml"}
    )
    submit = SubmitField(_l("校验并导入"))
