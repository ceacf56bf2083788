"""Forms shared by many pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class ConfirmForm(FlaskForm):
    """A CSRF-only form behind every button that changes state."""

    submit = SubmitField(_l("确认"))


class LocaleForm(FlaskForm):
    """Switch the UI language."""

    locale = HiddenField()
    next = HiddenField()
