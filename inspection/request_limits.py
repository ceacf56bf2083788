"""Limits on what a request may carry, enforced where Flask reads it, so that hostile input is refused with a 4xx
instead of failing deep inside with a 500: ids in URLs no larger than an id column holds, JSON bodies no deeper
than the parser reads, no NUL character in the path, a query or a form."""

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

from inspection.record_ids import MAX_ID


class BadParameter(BadRequest):
    """A parameter a view cannot read; the error page shows the description, which names it."""


class IdConverter(IntegerConverter):
    """`<int:…>` of every route: a number no id column holds matches no route (404) instead of reaching a database
    driver that cannot convert it (500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested deeper than the parser goes (10,000 "[") is malformed JSON like any
    other, a 400 from ``request.get_json()`` (the API's and Flask-WTF's) and None from its silent form, instead of
    a RecursionError (500)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error


def refuse_nul_characters() -> None:
    """Refuse a NUL character in the path or in a query or form parameter with a 400 naming where it was: no
    browser sends one from what a person types, and PostgreSQL refuses it in text (a 500 at the first query that
    holds it). The API checks its JSON fields itself (`api.common.storable`)."""
    if "\x00" in request.path:
        raise BadParameter(_("地址含有不允许的字符。"))
    for params in (request.args, request.form):
        for name, value in params.items(multi=True):
            if "\x00" in f"{name}{value}":  # a multipart part without a name comes as None
                raise BadParameter(_("参数 %(name)s 含有不允许的字符。", name=str(name).replace("\x00", "")))


def init_request_limits(app: Flask) -> None:
    """Install the limits. Before the blueprints: a route is compiled with the converters of the moment."""
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.before_request(refuse_nul_characters)
