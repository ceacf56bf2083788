"""Bearer tokens for API clients. Only a hash of each token is stored."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from inspection.extensions import db
from inspection.models import ApiToken, User
from inspection.orm import utcnow


def issue_token(user: User, hours: int) -> tuple[str, ApiToken]:
    """Create a token for `user` valid for `hours`; return the secret (shown once) and its record."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_sha256=_digest(secret), expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(token)
    db.session.flush()
    return secret, token


#: How stale the recorded last use of a token may be.
LAST_USED_PRECISION = timedelta(minutes=5)


def active_token(secret: str) -> ApiToken | None:
    """Return the unexpired token of an active user for `secret`, with its user and department loaded, or None."""
    # One query for the token, its user and the user's department: every API request needs all three.
    stmt = select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.department))
    token = db.session.scalar(stmt.where(ApiToken.token_sha256 == _digest(secret)))
    if token is None or token.expires_at < utcnow() or not token.user.active:
        return None
    return token


def record_use(token: ApiToken) -> bool:
    """Note that `token` was used now, unless that was noted lately (a syncing phone sends many requests);
    return True if the token changed."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_PRECISION:
        return False
    token.last_used_at = now
    return True


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
