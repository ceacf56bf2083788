"""Who may see or change what: role decorators, per-object checks, headers and session timeouts."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import OperationalError

from inspection.extensions import db
from inspection.models import Facility, Inspection, Role, User
from inspection.orm import utcnow
from inspection.permissions import can_edit_facility, can_see_rankings, can_view_facility, can_view_inspection
from inspection.services import Actor
from inspection.services.audit import record_event, record_refusal

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
#: Statuses whose response never has a body (RFC 9110 §15.3.5, §15.4.5).
BODILESS = frozenset({204, 304})
#: The policy of JSON answers (OWASP's advice for APIs).
DATA_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


def current_actor() -> Actor:
    """Return the acting user and the client address of this request."""
    user = current_user if current_user.is_authenticated else None
    return Actor(user, request.remote_addr or "")


def begin_session(user: User) -> None:
    """Log `user` in on a fresh session, which lasts while the user's session generation stays the one it began in."""
    session.clear()
    login_user(user)
    session["generation"] = user.session_generation
    session["login_at"] = session["seen_at"] = utcnow().timestamp()


def session_user(user_id: str) -> User | None:
    """Return the user of this session (Flask-Login's user loader), or None once the session has ended: the account
    is disabled, or logout, a password change or disabling moved its generation on since the session began."""
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or session.get("generation") != user.session_generation:
        return None
    return user


def refuse(status: int, detail: str) -> None:
    """Record a permission refusal in the audit log, then abort with `status` (403 or 404)."""
    actor = current_actor()
    record_event(
        actor, "security.refused", object_type="request", object_id=request.path[:50], detail=f"{status} {detail}"
    )
    db.session.commit()
    abort(status)


def log_refusal(action: str, detail: str) -> None:
    """Record a refused anonymous request (rate-limited, `audit.record_refusal`) in a transaction of its own: the
    request's own work, if any, is rolled back first."""
    db.session.rollback()
    if record_refusal(current_actor(), action, request.path, detail):
        db.session.commit()


def role_required(*roles: Role) -> Callable[..., Any]:
    """Decorate a view so that only logged-in users with one of `roles` reach it (others get 403)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                refuse(403, f"role {current_user.role} not in {','.join(roles)}")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_facility_or_404(facility_id: int, *, for_edit: bool = False) -> Facility:
    """Load a facility the current user may see (404 otherwise, so ids outside their scope reveal nothing).

    :raise 404: the facility does not exist or lies outside the user's scope.
    :raise 403: `for_edit` and the user may see but not change it.
    """
    facility = db.session.get(Facility, facility_id)
    if facility is None or not can_view_facility(current_user, facility):
        refuse(404, f"facility {facility_id} not visible")
    if for_edit and not can_edit_facility(current_user, facility):
        refuse(403, f"facility {facility_id} not editable")
    return facility


def may_see_rankings(user: User) -> bool:
    """Return True if `user` may see the league table, by the county's setting for inspectors."""
    return can_see_rankings(user, inspectors_allowed=bool(current_app.config.get("RANKINGS_VISIBLE_TO_INSPECTORS")))


def get_inspection_or_404(inspection_id: int) -> Inspection:
    """Load an inspection the current user may see (404 otherwise, like `get_facility_or_404`)."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(current_user, inspection):
        refuse(404, f"inspection {inspection_id} not visible")
    return inspection


#: The audit action recorded when requests carry proxy headers while no proxy is trusted (read by check-deploy).
UNTRUSTED_PROXY_HEADERS = "security.untrusted_proxy_headers"


def init_security(app: Flask) -> None:
    """Install the security headers, the note on untrusted proxy headers and the idle/absolute session timeouts."""
    app.after_request(_security_headers)
    app.before_request(_note_untrusted_proxy_headers)
    app.before_request(_enforce_session_timeouts)


def _note_untrusted_proxy_headers() -> None:
    """Record, once per process, a request carrying X-Forwarded-For while no proxy is trusted: behind a reverse
    proxy every client then has the proxy's address, and one person's failed logins delay everyone's."""
    if current_app.config["TRUSTED_PROXIES"] or current_app.extensions.get(UNTRUSTED_PROXY_HEADERS):
        return
    forwarded_for = request.headers.get("X-Forwarded-For")
    if forwarded_for is None:
        return
    record_event(Actor(None, request.remote_addr or ""), UNTRUSTED_PROXY_HEADERS, detail=forwarded_for[:200])
    try:
        db.session.commit()
    except OperationalError:  # the database is busy: a later request records it
        db.session.rollback()
        return
    current_app.extensions[UNTRUSTED_PROXY_HEADERS] = True


def _security_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code in BODILESS:
        # Nothing to render: a 304's stored response keeps its own policies; the phone's sync pays for every byte.
        return response
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "application/json":
        # Data is never a document: nothing may load from it or frame it. Short, since the phone's sync pays for
        # these bytes on every request over mobile data.
        response.headers["Content-Security-Policy"] = DATA_SECURITY_POLICY
    else:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()"
    if not current_app.debug and request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _enforce_session_timeouts() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]).total_seconds()
    started, seen = session.get("login_at", now), session.get("seen_at", now)
    if now - seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        flash(_("登录已超时，请重新登录。"), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    return None
