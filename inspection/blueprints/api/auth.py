"""Tokens: from a username and password (other systems), or from the logged-in web session (the phone client);
revoked by their holder."""

from flask import current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from inspection.blueprints.api import bp
from inspection.blueprints.api.common import Fields, api_actor, api_error, api_token, json_body, token_required
from inspection.i18n import N_
from inspection.security import log_refusal
from inspection.services.tokens import issue_token, revoke_token
from inspection.services.users import authenticate
from inspection.transactions import run_in_transaction


@bp.post("/auth/token")
def token():
    fields = Fields(json_body())
    username, password = fields.text("username", max_length=50), fields.text("password", max_length=200)
    fields.done()
    user = authenticate(
        username,
        password,
        request.remote_addr or "",
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        window_minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"],
    )
    return _token_response(user)


@bp.delete("/auth/token")
@token_required()
def revoke_token_used():
    """Revoke the token this request carries: the client logs out of the API."""
    run_in_transaction(lambda: revoke_token(api_token(), api_actor()))
    return "", 204


@bp.post("/auth/session-token")
def session_token():
    """Give the logged-in web page a token for its offline queue (CSRF-checked, since it relies on the cookie)."""
    if not current_user.is_authenticated:
        log_refusal("security.unauthenticated", "session token without a login")
        api_error(401, "unauthorized", N_("请先登录"))
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (ValidationError, CSRFError):
            log_refusal("security.csrf_failed", "session token without a valid CSRF token")
            api_error(400, "csrf", N_("页面已过期，请刷新后重试"))
    return _token_response(current_user._get_current_object())


def _token_response(user):
    hours = current_app.config["API_TOKEN_HOURS"]
    secret, token = run_in_transaction(lambda: issue_token(user, hours, request.remote_addr or ""))
    return jsonify(
        token=secret,
        expires_at=token.expires_at.isoformat() + "Z",
        user={"id": user.id, "name": user.display_name, "role": user.role},
    )
