"""The assessor role (评审员, issue 14): an assessment team member sees only the assessments assigned to them and
the facilities assessed, nothing else of the register."""

from inspection.extensions import db
from inspection.models import InspectionAssignment, Role
from tests.api.conftest import token_for
from tests.factories import OWN, SAME_COUNTY, base_county, make_user, plan_inspection


def make_assessor(username="assessor1"):
    county = base_county()
    return make_user(
        Role.ASSESSOR,
        county,
        username=username,
        display_name="评审专家一（测试）",
        department_id=county.department("mz").id,
    )


def assign(inspection, user):
    inspection.assignments.append(InspectionAssignment(department=user.department, user=user))
    db.session.flush()


def test_an_assessor_sees_only_the_inspections_assigned_to_them(cast, client, login):
    assessor = make_assessor()
    assessed = plan_inspection(cast[OWN], ("fire_safety",))
    other = plan_inspection(cast[SAME_COUNTY], ("fire_safety",))
    assign(assessed, assessor)
    db.session.commit()
    assessed_id, other_id = assessed.id, other.id
    own_id, same_id = cast[OWN].id, cast[SAME_COUNTY].id
    login("assessor1")
    assert client.get(f"/inspections/{assessed_id}").status_code == 200
    assert client.get(f"/inspections/{assessed_id}/form").status_code == 200
    assert client.get(f"/inspections/{other_id}").status_code == 404
    assert client.get(f"/inspections/{other_id}/form").status_code == 404
    listing = client.get("/inspections/").get_data(as_text=True)
    assert f"/inspections/{assessed_id}" in listing and f"/inspections/{other_id}" not in listing
    assert client.get(f"/facilities/{own_id}").status_code == 200
    assert client.get(f"/facilities/{same_id}").status_code == 404
    facilities = client.get("/facilities/").get_data(as_text=True)
    assert OWN in facilities and SAME_COUNTY not in facilities


def test_an_assessor_sees_nothing_else_of_the_register(cast, client, login):
    make_assessor()
    db.session.commit()
    login("assessor1")
    for url in ("/hazards/", "/credit/", "/admin/users", "/grading/", "/rankings/"):
        assert client.get(url).status_code in (403, 404), url
    assert OWN not in client.get("/notices/").get_data(as_text=True)


def test_an_assessor_over_the_api_lists_and_reads_only_their_assessments(cast, client):
    assessor = make_assessor()
    assessed = plan_inspection(cast[OWN], ("fire_safety",))
    other = plan_inspection(cast[SAME_COUNTY], ("fire_safety",))
    assign(assessed, assessor)
    db.session.commit()
    assessed_id, other_id = assessed.id, other.id
    headers = {"Authorization": f"Bearer {token_for(client, 'assessor1')}"}
    listed = client.get("/api/v1/inspections", headers=headers).get_json()
    ids = {i["id"] for i in listed["items"]}
    assert assessed_id in ids and other_id not in ids
    assert client.get(f"/api/v1/inspections/{assessed_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/inspections/{other_id}", headers=headers).status_code == 404
    assert client.get("/api/v1/hazards", headers=headers).get_json()["items"] == []


def test_an_admin_creates_an_assessor_of_a_department(cast, client, login):
    login("admin")
    county = base_county()
    form = {
        "username": "expert9",
        "display_name": "外聘评审专家九",
        "role": "assessor",
        "region_id": county.region.id,
        "department_id": 0,
        "facility_id": 0,
        "active": "y",
        "password": "long-enough-pass",
    }
    assert 'value="assessor"' in client.get("/admin/users/new").get_data(as_text=True)
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 400 and "评审员" in response.get_data(as_text=True)
    form["department_id"] = county.department("mz").id
    assert client.post("/admin/users/new", data=form).status_code == 302
    client.post("/auth/logout")
    login("expert9", "long-enough-pass")
    assert "您好，外聘评审专家九" in client.get("/").get_data(as_text=True)
    assert client.get("/grading/").status_code == 403
