"""Usernames cannot be told apart by how long a failed login takes (issue 12 case 5): an unknown username costs one
password-hash verification, as a known one does. Counted, not timed, so the test is exact on a busy machine."""

import pytest

from inspection import passwords
from inspection.extensions import db
from tests.conftest import user


class CountingHasher:
    """The app's password hasher, counting its verifications."""

    def __init__(self, hasher) -> None:
        self.hasher = hasher
        self.verifications = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return self.hasher.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


def _web_login(client, username):
    response = client.post("/auth/login", data={"username": username, "password": "wrong-password"})
    return response.status_code, "用户名或密码错误" in response.get_data(as_text=True)


def _api_token(client, username):
    response = client.post("/api/v1/auth/token", json={"username": username, "password": "wrong-password"})
    return response.status_code, response.json["error"]["code"]


@pytest.mark.usefixtures("cast")
@pytest.mark.parametrize("route", [_web_login, _api_token], ids=["web", "api"])
def test_an_unknown_username_costs_one_hash_verification_like_a_known_or_disabled_one(client, hasher, route):
    user("mz2").active = False
    db.session.commit()
    answers, costs = [], []
    for username in ("mz1", "no-such-user", "mz2"):  # known, unknown, disabled
        before = hasher.verifications
        answers.append(route(client, username))
        costs.append(hasher.verifications - before)
    assert costs == [1, 1, 1]
    assert answers[0] == answers[1] == answers[2]
