"""Forms shared by many pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField

from forms import WebForm


class ConfirmForm(WebForm):
    """A CSRF-only form behind every button that changes state."""

    submit = SubmitField(_l("确认"))


class LocaleForm(WebForm):
    """Switch the UI language."""

    locale = HiddenField()
    next = HiddenField()
