"""Every role × facility page: who is allowed, who is refused (403 for the wrong role, 404 outside their scope)."""

import pytest

from tests.conftest import facility, user

OWN, SAME_COUNTY, OTHER_COUNTY = "清涟敬老院", "北苑敬老院", "邻县敬老院"

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


@pytest.mark.parametrize(("username", "name", "status"), DETAIL)
def test_facility_detail(client, login, username, name, status):
    login(username)
    assert client.get(f"/facilities/{facility(name).id}").status_code == status


@pytest.mark.parametrize(("username", "name", "status"), EDIT)
def test_facility_edit_page(client, login, username, name, status):
    login(username)
    assert client.get(f"/facilities/{facility(name).id}/edit").status_code == status


@pytest.mark.parametrize(("username", "name", "status"), [(u, n, 302 if s == 200 else s) for u, n, s in EDIT])
def test_facility_close(client, login, username, name, status):
    login(username)
    assert client.post(f"/facilities/{facility(name).id}/close").status_code == status


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 200), ("xf1", 200), ("operator", 403)])
def test_facility_list(client, login, username, status):
    login(username)
    assert client.get("/facilities/").status_code == status


def test_the_list_shows_only_the_users_region(client, login):
    login("reviewer")
    page = client.get("/facilities/?q=敬老院").get_data(as_text=True)
    assert OWN in page and OTHER_COUNTY not in page


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 403), ("xf1", 403), ("operator", 403)])
def test_facility_create_page(client, login, username, status):
    login(username)
    assert client.get("/facilities/new").status_code == status


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/users/new", "/admin/audit", "/admin/audit/export.csv", "/admin/regions"]
)
@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("reviewer", 403), ("mz1", 403), ("operator", 403)])
def test_admin_pages(client, login, path, username, status):
    login(username)
    assert client.get(path).status_code == status


def test_an_admin_cannot_edit_a_user_of_another_county(client, login):
    login("admin")
    assert client.get(f"/admin/users/{user('other_reviewer').id}/edit").status_code == 404


@pytest.mark.parametrize("path", ["/", "/facilities/", "/facilities/1", "/admin/users"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.fixture(scope="module")
def app(demo_app):
    """These tests still read the demo county's names (see conftest `demo_app`)."""
    return demo_app
