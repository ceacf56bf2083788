"""Issuing the result record (结果记录表) of a food inspection."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from forms import WebForm


class FoodResultForm(WebForm):
    """One button: the 市场监管 inspector issues the record (the form carries only the CSRF token)."""

    submit = SubmitField(_l("出具结果记录表"))
