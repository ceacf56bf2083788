"""Every role × facility page: who is allowed, who is refused (403 for the wrong role, 404 outside their scope)."""

import pytest

from tests.factories import (
    base_county,
    make_admin,
    make_county,
    make_facility,
    make_inspector,
    make_operator,
    make_reviewer,
)

OWN, SAME_COUNTY, OTHER_COUNTY = "own", "same_county", "other_county"

DETAIL = [
    # role, facility, expected status
    ("admin", OWN, 200), ("admin", SAME_COUNTY, 200), ("admin", OTHER_COUNTY, 404),
    ("reviewer", OWN, 200), ("reviewer", OTHER_COUNTY, 404),
    ("xf1", SAME_COUNTY, 200), ("xf1", OTHER_COUNTY, 404),
    ("operator", OWN, 200), ("operator", SAME_COUNTY, 404), ("operator", OTHER_COUNTY, 404),
    ("other_reviewer", OTHER_COUNTY, 200), ("other_reviewer", OWN, 404),
    ("other_operator", OTHER_COUNTY, 200), ("other_operator", OWN, 404),
]  # fmt: skip

EDIT = [
    ("admin", OWN, 200), ("admin", OTHER_COUNTY, 404),
    ("reviewer", OWN, 403), ("xf1", OWN, 403), ("sc1", SAME_COUNTY, 403),
    ("operator", OWN, 403), ("operator", SAME_COUNTY, 404),
    ("other_reviewer", OWN, 404), ("other_reviewer", OTHER_COUNTY, 403),
]  # fmt: skip


@pytest.fixture
def people():
    """An operator's own facility and another of the same county, a facility of a neighbouring county (their ids),
    and users of each role (their usernames, and ids under "<name>_id") by the names the tables above use.
    Plain values: a request ends the session, and ORM objects with it."""
    home, neighbour = base_county(), make_county()
    facilities = {OWN: make_facility(), SAME_COUNTY: make_facility(), OTHER_COUNTY: make_facility(neighbour)}
    users = {
        "admin": make_admin(),
        "reviewer": make_reviewer(),
        "mz1": make_inspector("mz"),
        "xf1": make_inspector("xf"),
        "sc1": make_inspector("sc"),
        "operator": make_operator(facilities[OWN]),
        "other_reviewer": make_reviewer(neighbour),
        "other_operator": make_operator(facilities[OTHER_COUNTY]),
    }
    assert home.region.id != neighbour.region.id
    names = {f"{key}_name": f.name for key, f in facilities.items()}
    return {
        **{key: f.id for key, f in facilities.items()},
        **names,
        **{key: u.username for key, u in users.items()},
        **{f"{key}_id": u.id for key, u in users.items()},
    }


@pytest.mark.parametrize(("username", "name", "status"), DETAIL)
def test_facility_detail(client, login, people, username, name, status):
    login(people[username])
    assert client.get(f"/facilities/{people[name]}").status_code == status


@pytest.mark.parametrize(("username", "name", "status"), EDIT)
def test_facility_edit_page(client, login, people, username, name, status):
    login(people[username])
    assert client.get(f"/facilities/{people[name]}/edit").status_code == status


@pytest.mark.parametrize(("username", "name", "status"), [(u, n, 302 if s == 200 else s) for u, n, s in EDIT])
def test_facility_close(client, login, people, username, name, status):
    login(people[username])
    assert client.post(f"/facilities/{people[name]}/close").status_code == status


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 200), ("xf1", 200), ("operator", 403)])
def test_facility_list(client, login, people, username, status):
    login(people[username])
    assert client.get("/facilities/").status_code == status


def test_the_list_shows_only_the_users_region(client, login, people):
    login(people["reviewer"])
    page = client.get("/facilities/?q=敬老院").get_data(as_text=True)
    assert people[f"{OWN}_name"] in page and people[f"{OTHER_COUNTY}_name"] not in page


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 403), ("xf1", 403), ("operator", 403)])
def test_facility_create_page(client, login, people, username, status):
    login(people[username])
    assert client.get("/facilities/new").status_code == status


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/audit/export.csv", "/admin/regions"]
)
@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 403), ("mz1", 403), ("operator", 403)])
def test_admin_pages(client, login, people, path, username, status):
    login(people[username])
    assert client.get(path).status_code == status


def test_an_admin_cannot_edit_a_user_of_another_county(client, login, people):
    login(people["admin"])
    assert client.get(f"/admin/users/{people['other_reviewer_id']}/edit").status_code == 404


@pytest.mark.parametrize("path", ["/", "/facilities/", "/facilities/1", "/admin/users"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
