"""Flask-WTF form classes. Forms are built in views, never in templates."""

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField


class WebForm(FlaskForm):
    """The base of every form of the web pages: it reads what a browser's form posts, and nothing else. Flask-WTF
    would also read a JSON body, and an upload under the name of a text field; their values (numbers, lists,
    files) reach validators that expect text, a 500. Such a field reads as missing instead: the form is shown again
    with the error at that field (issue 12)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: FlaskForm, formdata: Any) -> Any:
            if request.is_json:  # no browser form sends JSON
                return None
            wrapped = super().wrap_formdata(form, formdata)
            if not isinstance(wrapped, CombinedMultiDict):  # no upload
                return wrapped
            uploads = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, file) for name, file in request.files.items(multi=True) if name in uploads])
            return CombinedMultiDict((files, request.form))
