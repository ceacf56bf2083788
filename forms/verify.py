"""验真: upload a copy of a document to check it against what was issued."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from forms import WebForm


class VerifyUploadForm(WebForm):
    """Anyone holding a PDF copy of a notice uploads it; nothing is stored."""

    file = FileField(
        _l("文书 PDF 文件（不超过 10 MB）"),
        validators=[FileRequired(_l("请选择要核验的 PDF 文件"))],
        render_kw={"accept": "application/pdf,.pdf"},
    )
    submit = SubmitField(_l("核验"))
