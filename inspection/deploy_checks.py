"""Checks that a configuration is safe for production. Pure: no Flask."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from inspection.config import DEV_SECRET_KEY
from inspection.signing import SigningKeyError, department_signer

MIN_SECRET_LENGTH = 32


def deployment_problems(config: Mapping[str, Any], *, debug: bool, demo_accounts: int) -> list[str]:
    """Return one message per unsafe production setting (empty when the configuration is safe).

    :param config: the application's configuration.
    :param debug: whether the app runs in debug mode.
    :param demo_accounts: number of active demo accounts in the database.
    """
    problems = []
    secret = str(config.get("SECRET_KEY") or "")
    if debug:
        problems.append("debug mode is on: set FLASK_DEBUG=0")
    if config.get("TESTING"):
        problems.append("TESTING is on")
    if secret == DEV_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"SECRET_KEY is the development value or shorter than {MIN_SECRET_LENGTH} characters")
    for key in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE"):
        if not config.get(key):
            problems.append(f"{key} is off: cookies must be HttpOnly and Secure (serve over HTTPS)")
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("SESSION_COOKIE_SAMESITE must be Lax or Strict")
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append("WTF_CSRF_ENABLED is off")
    if not config.get("MAX_CONTENT_LENGTH"):
        problems.append("MAX_CONTENT_LENGTH is not set: uploads are unlimited")
    uri = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if uri.startswith("sqlite") and int(config.get("WORKERS") or 1) > 1:
        problems.append("SQLite with several workers: use PostgreSQL (DATABASE_URL) or one worker")
    if demo_accounts:
        problems.append(f"{demo_accounts} demo account(s) with the published password are active: disable them")
    return problems


def signing_problems(
    departments: Iterable[tuple[str, str]], config: Mapping[str, Any], environ: Mapping[str, str]
) -> list[str]:
    """Return one message per department that could not sign what it issues: no key, an unreadable key, or a
    certificate of the demo CA (演示), which proves nothing to anyone outside.

    :param departments: (code, name) of each department that issues documents.
    :param environ: the process environment (keys are named there or in the configuration).
    """
    problems = []
    for code, name in departments:
        try:
            signer = department_signer(code, name, config, environ)
        except SigningKeyError as error:
            problems.append(f"signing key of {name} ({code}): {error}")
            continue
        if signer.is_demo:
            problems.append(
                f"{name} ({code}) signs with a demo certificate ({signer.subject_common_name}, serial {signer.serial}):"
                " configure the department's real PKCS#12 file"
            )
    return problems


def deployment_warnings(config: Mapping[str, Any], *, untrusted_proxy_headers_at: datetime | None) -> list[str]:
    """Return one message per setting that may be wrong, depending on how the app is reached (the app cannot tell).

    :param untrusted_proxy_headers_at: when a request last carried X-Forwarded-For while no proxy was trusted.
    """
    warnings = []
    if untrusted_proxy_headers_at is not None and not config.get("TRUSTED_PROXIES"):
        warnings.append(
            f"requests carried X-Forwarded-For (last {untrusted_proxy_headers_at:%Y-%m-%d %H:%M} UTC) but no proxy "
            "is trusted: behind a reverse proxy, set CAREINSPECT_TRUSTED_PROXIES to the number of proxies, or every "
            "client has the proxy's address (one person's failed logins delay everyone's); if clients reach the app "
            "directly, they sent the header themselves and 0 is right"
        )
    return warnings
