"""Password hashing with Argon2id (the OWASP first choice). Pure: no Flask."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: The hash of no account's password, made with the current parameters (see `verify_no_account`).
_dummy_hash = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10


def use_fast_hashing() -> None:
    """Switch to cheap parameters; for the test suite only, where hashing dominates run time."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Return an Argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return True if `password` matches `password_hash`; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_no_account(password: str) -> bool:
    """Verify `password` against a hash of no account's password and return False: a login with an unknown
    username then costs what one with a known username does, so its timing does not reveal which usernames exist."""
    verify_password(_dummy_hash, password)
    return False
