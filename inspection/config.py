"""Configuration: defaults → instance/config.py → environment → test mapping."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from inspection.dates import PLAN_DAYS_AHEAD

#: The development secret. The app refuses to start with it outside debug or testing.
DEV_SECRET_KEY = "dev-only-insecure-secret-change-me"

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "SQLALCHEMY_DATABASE_URI": "sqlite:///careinspect.sqlite",  # relative: inside instance/
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SECURE": True,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    #: Failed logins for one account from one address before each further attempt waits (services/login_throttle.py).
    "LOGIN_MAX_FAILURES": 5,
    #: A login count without attempts for this long starts over; also the longest delay.
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto it believes (CAREINSPECT_TRUSTED_PROXIES);
    #: 0: the client's address is the connection's, and such headers, which anyone can send, are ignored.
    "TRUSTED_PROXIES": 0,
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ("zh_CN", "en"),
    "PAGE_SIZE": 20,
    #: Number of app server processes; check-deploy refuses SQLite with more than one.
    "WORKERS": 1,
    "WTF_CSRF_TIME_LIMIT": None,
    #: Compress pages, styles, scripts and JSON for slow mobile networks; streamed exports stay streamed.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_STREAMS": False,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "application/manifest+json",
        "text/csv",
    ],
    #: Address the public pages are reached at (printed as the notices' QR codes); empty: the request's host.
    "PUBLIC_BASE_URL": "",
    #: Lifetime of an API token; the phone client asks for a new one after logging in again.
    "API_TOKEN_HOURS": 12,  # the token lives as long as the session
    #: Whether inspectors may see the county league table (read-only); operators never do.
    "RANKINGS_VISIBLE_TO_INSPECTORS": False,
    #: How many days after today an inspection may be planned for (environment: CAREINSPECT_PLAN_DAYS_AHEAD).
    "PLAN_DAYS_AHEAD": PLAN_DAYS_AHEAD,
    #: How many days before an official inspection a facility's self-inspection still counts for its gaps
    #: (environment: CAREINSPECT_SELF_INSPECTION_WINDOW_DAYS).
    "SELF_INSPECTION_WINDOW_DAYS": 90,
    #: Title and issuing body printed on the joint-meeting briefing; %(region)s is the issuing user's region.
    "BRIEFING_TITLE": "%(region)s养老服务联席会议通报",
    "BRIEFING_ISSUER": "%(region)s养老服务联席会议办公室",
    #: Whose grading-campaign rules apply: the file inspection/campaign/data/<province>.toml (eligibility, target
    #: date, 公示 period, validity; environment: CAREINSPECT_GRADING_PROVINCE).
    "GRADING_PROVINCE": "shanxi",
}

#: Environment variables read directly, without a prefix.
ENV_KEYS = {"SECRET_KEY": "SECRET_KEY", "DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "WEB_CONCURRENCY": "WORKERS"}


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill `app.config` in order: defaults, instance/config.py, environment, then the test mapping.

    :raises RuntimeError: outside debug and testing, when the development secret is still in use.
    """
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in ENV_KEYS.items():
        if os.environ.get(env_name):
            app.config[key] = _coerce(os.environ[env_name])
    app.config.from_prefixed_env("CAREINSPECT")
    if test_config is not None:
        app.config.from_mapping(test_config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):  # the form some hosts hand out
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgres://") :]
    elif uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://") :]
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is the development value: set SECRET_KEY in the environment or instance/config.py"
        )


def _coerce(value: str) -> Any:
    return int(value) if value.isdigit() else value
