"""Bearer tokens for API clients: issued, used, listed and revoked. Only a hash of each token is stored."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from inspection.extensions import db
from inspection.models import ApiToken, User
from inspection.orm import utcnow
from inspection.services import Actor
from inspection.services.audit import record_event


def issue_token(user: User, hours: int, ip: str) -> tuple[str, ApiToken]:
    """Create a token for `user` at address `ip`, valid for `hours`; return the secret (shown once) and its record."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, token_sha256=_digest(secret), expires_at=utcnow() + timedelta(hours=hours), created_ip=ip
    )
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


def record_use(token: ApiToken, ip: str) -> bool:
    """Note that `token` was used now from `ip`, unless that was noted lately from there (a syncing phone sends many
    requests); return True if the token changed."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_PRECISION and token.last_used_ip == ip:
        return False
    token.last_used_at, token.last_used_ip = now, ip
    return True


def active_tokens(user: User) -> list[ApiToken]:
    """Return the unexpired tokens of `user`, the latest first."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at >= utcnow())
    return list(db.session.scalars(stmt.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(token: ApiToken, actor: Actor) -> None:
    """Revoke `token`: its holder logs out of the API."""
    record_event(actor, "token.revoke", object_type="api_token", object_id=token.id, region_path=token.user.region.path)
    db.session.delete(token)
    db.session.flush()


def revoke_tokens(user: User, actor: Actor) -> int:
    """Revoke every token of `user` (a password change, disabling the account, or an admin's request); return how
    many were revoked."""
    revoked = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    if revoked:
        record_event(
            actor,
            "token.revoke_all",
            object_type="user",
            object_id=user.id,
            region_path=user.region.path,
            detail=f"{revoked} 个令牌",
        )
    return revoked


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
