"""Forms shared by many pages."""

from uuid import uuid4

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField
from wtforms.validators import UUID, Optional

from forms import WebForm


class ConfirmForm(WebForm):
    """A CSRF-only form behind every button that changes state."""

    submit = SubmitField(_l("确认"))


class LocaleForm(WebForm):
    """Switch the UI language."""

    locale = HiddenField()
    next = HiddenField()


class SentOnce:
    """Mixed into a form whose sending creates a record: the UUID made when the page was shown identifies the form,
    so that sending it twice (a double tap, a resend) creates one record."""

    client_id = HiddenField(default=lambda: str(uuid4()), validators=[Optional(), UUID()])
