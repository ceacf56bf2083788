"""The credit blacklist through the web: who may do what, listing, confirming or dismissing the app's proposal,
the two-year removal rule and its decision, and the public list that shows nothing private."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import CreditGround, CreditListing, CreditStatus
from inspection.services import Actor
from inspection.services.credit import list_party, propose_listings, record_fire_determination
from tests.conftest import facility, user
from tests.factories import OTHER_COUNTY, OWN, SAME_COUNTY, hazards_of
from tests.web.test_followup import FOUND, _inspected

#: Everyone acts as a member of the cast (factories.make_cast), built in each test's transaction.
pytestmark = pytest.mark.usefixtures("cast")
LONG_AGO = date(2024, 1, 15)
#: The day the credit pages take as today (the `clock` fixture): more than two years after LONG_AGO, so those
#: listings may be removed, whatever day the tests run.
TODAY = date(2026, 12, 4)
#: A day on which the major fire hazard _inspected() finds on FOUND is overdue (its deadline is FOUND + 7).
OVERDUE_DAY = FOUND + timedelta(days=18)


class FrozenDate(date):
    frozen = TODAY

    @classmethod
    def today(cls):
        return cls.frozen


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Make TODAY today for the credit pages, their form (no decision in the future) and the operator's page (which
    offers the removal application); `clock(day)` moves it. The blueprints pass their today to every rule."""
    for module in ("inspection.blueprints.credit", "forms.credit", "inspection.blueprints.hazards"):
        monkeypatch.setattr(f"{module}.date", FrozenDate)

    def move(day):
        monkeypatch.setattr(FrozenDate, "frozen", day)

    return move


def _list(app, name, decided_on=LONG_AGO, **extra):
    """List `name` as the reviewer would on TODAY (through the service) and return the listing's id."""
    with app.app_context():
        listing = list_party(
            facility(name),
            extra.pop("ground", CreditGround.FRAUD),
            decided_on,
            extra.pop("document", "五民信〔2024〕3号"),
            [],
            Actor(user("reviewer"), "127.0.0.1"),
            today=TODAY,
            **extra,
        )
        db.session.commit()
        return listing.id


def _proposal(app, name=SAME_COUNTY):
    """A completed inspection whose fire hazard, determined a 重大火灾隐患 by 消防, is overdue, and the app's
    proposal for it."""
    with app.app_context():
        inspection = _inspected(facility_name=name)
        hazard = next(h for h in hazards_of(inspection) if h.department_code == "xf")
        record_fire_determination(hazard, "五消重判〔2026〕1号", FOUND, Actor(user("xf1"), "127.0.0.1"), FOUND)
        proposals = propose_listings(OVERDUE_DAY, Actor(user("reviewer"), "127.0.0.1"))
        (proposal,) = [p for p in proposals if p.facility_id == inspection.facility_id]
        db.session.commit()
        return proposal.id, inspection.id


def _listing(listing_id):
    return db.session.get(CreditListing, listing_id)


PAGES = [
    ("/credit/", "reviewer", 200), ("/credit/", "admin", 200), ("/credit/", "xf1", 403), ("/credit/", "operator", 403),
    ("/credit/new", "reviewer", 200), ("/credit/new", "admin", 403), ("/credit/new", "xf1", 403),
    ("/credit/public", None, 200),
]  # fmt: skip


@pytest.mark.parametrize(("path", "username", "status"), PAGES)
def test_role_pages(client, login, path, username, status):
    if username:
        login(username)
    assert client.get(path).status_code == status


def test_the_new_form_refuses_a_facility_outside_the_region(client, login):
    login("reviewer")
    assert client.get(f"/credit/new?facility_id={facility(OTHER_COUNTY).id}").status_code == 404


def test_a_listing_outside_the_region_is_404(app, client, login):
    listing_id = _list(app, SAME_COUNTY)
    login("other_reviewer")
    assert client.get(f"/credit/{listing_id}").status_code == 404


def test_a_reviewer_lists_a_facility_with_evidence_and_sees_when_removal_may_be_applied_for(app, client, login):
    with app.app_context():
        inspection_id = _inspected(facility_name=SAME_COUNTY).id
        db.session.commit()
    login("reviewer")
    target = facility(SAME_COUNTY)
    form = client.get(f"/credit/new?facility_id={target.id}").get_data(as_text=True)
    assert f'value="inspection:{inspection_id}"' in form and "（四）存在重大火灾隐患，无正当理由逾期未改正" in form
    data = {
        "ground": "7",
        "decided_on": "2026-11-01",
        "decision_document": "五民信〔2026〕5号",
        "person_name": "",
        "evidence": [f"inspection:{inspection_id}"],
        "note": "拒绝检查",
    }
    response = client.post(f"/credit/new?facility_id={target.id}", data=data)
    assert response.status_code == 302
    listing = db.session.scalar(select(CreditListing).where(CreditListing.decision_document == "五民信〔2026〕5号"))
    assert listing.status == CreditStatus.ACTIVE and listing.ground == CreditGround.OBSTRUCTION
    assert listing.evidence == [{"type": "inspection", "id": inspection_id}]
    assert listing.removal_eligible_on == date(2028, 11, 1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2028-11-01 起" in page and f"/inspections/{inspection_id}" in page and "失信名单</span>" in page


def test_a_listing_without_a_decision_document_is_refused_and_keeps_the_input(client, login):
    login("reviewer")
    target = facility(SAME_COUNTY)
    data = {"ground": "2", "decided_on": "2026-11-01", "decision_document": "", "note": "虐待老人的记录"}
    response = client.post(f"/credit/new?facility_id={target.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写列入决定文书" in page and "虐待老人的记录" in page
    assert db.session.scalar(select(CreditListing).where(CreditListing.facility_id == target.id)) is None


def test_a_proposal_is_confirmed_with_the_form_prefilled(app, client, login):
    proposal_id, inspection_id = _proposal(app)
    login("reviewer")
    index = client.get("/credit/").get_data(as_text=True)
    assert f"/credit/{proposal_id}" in index and "系统建议" in index
    form = client.get(f"/credit/{proposal_id}/confirm").get_data(as_text=True)
    assert '<option selected value="4">' in form
    assert re.search(
        rf'<input checked id="evidence-\d+" name="evidence" type="checkbox" value="inspection:{inspection_id}">', form
    )
    data = {
        "ground": "4",
        "decided_on": "2026-11-25",
        "decision_document": "五民信〔2026〕8号",
        "evidence": [f"inspection:{inspection_id}"],
    }
    assert client.post(f"/credit/{proposal_id}/confirm", data=data).status_code == 302
    listing = _listing(proposal_id)
    assert listing.status == CreditStatus.ACTIVE and listing.decided_on == date(2026, 11, 25)
    assert client.get(f"/credit/{proposal_id}/confirm").status_code == 302  # already decided


def test_a_proposal_is_dismissed_only_with_a_reason(app, client, login):
    proposal_id, _inspection = _proposal(app)
    login("reviewer")
    response = client.post(f"/credit/{proposal_id}/dismiss", data={"reason": ""})
    assert response.status_code == 400 and "请说明不予列入的理由" in response.get_data(as_text=True)
    assert client.post(f"/credit/{proposal_id}/dismiss", data={"reason": "已有正当理由延期"}).status_code == 302
    assert _listing(proposal_id).status == CreditStatus.DISMISSED


def test_admins_read_but_do_not_decide(app, client, login):
    proposal_id, _inspection = _proposal(app)
    login("admin")
    page = client.get(f"/credit/{proposal_id}").get_data(as_text=True)
    assert "不予列入…" not in page and "/confirm" not in page
    assert client.post(f"/credit/{proposal_id}/dismiss", data={"reason": "x"}).status_code == 403
    assert client.get(f"/credit/{proposal_id}/confirm").status_code == 403


def test_removal_may_be_applied_for_two_full_years_after_the_decision(app, client, login, clock):
    listing_id = _list(app, SAME_COUNTY, decided_on=date(2024, 11, 20))
    login("reviewer")
    clock(date(2026, 11, 19))
    page = client.get(f"/credit/{listing_id}").get_data(as_text=True)
    assert "2026-11-20 起" in page and "登记移出申请" not in page
    client.post(f"/credit/{listing_id}/request-removal")
    assert _listing(listing_id).status == CreditStatus.ACTIVE
    clock(date(2026, 11, 20))
    assert "登记移出申请" in client.get(f"/credit/{listing_id}").get_data(as_text=True)
    assert client.post(f"/credit/{listing_id}/request-removal").status_code == 302
    assert _listing(listing_id).status == CreditStatus.REMOVAL_REQUESTED


def test_a_removal_is_decided_with_a_confirmation_and_a_reason(app, client, login):
    listing_id = _list(app, SAME_COUNTY)
    login("reviewer")
    client.post(f"/credit/{listing_id}/request-removal")
    response = client.post(f"/credit/{listing_id}/decide-removal", data={"decision": "approve", "reason": "已整改"})
    assert response.status_code == 400 and "请确认已核实申请材料" in response.get_data(as_text=True)
    assert _listing(listing_id).status == CreditStatus.REMOVAL_REQUESTED
    data = {"decision": "approve", "reason": "已完成整改且无新的失信行为", "confirm": "y"}
    assert client.post(f"/credit/{listing_id}/decide-removal", data=data).status_code == 302
    listing = _listing(listing_id)
    assert listing.status == CreditStatus.REMOVED and listing.removed_on == TODAY


def test_a_refused_removal_keeps_the_listing_active(app, client, login):
    listing_id = _list(app, SAME_COUNTY)
    login("reviewer")
    client.post(f"/credit/{listing_id}/request-removal")
    data = {"decision": "refuse", "reason": "仍有逾期隐患", "confirm": "y"}
    assert client.post(f"/credit/{listing_id}/decide-removal", data=data).status_code == 302
    assert _listing(listing_id).status == CreditStatus.ACTIVE


def test_the_operator_applies_for_removal_from_their_page_but_not_for_another_facility(app, client, login):
    own_id, other_id = _list(app, OWN), _list(app, SAME_COUNTY, document="五民信〔2024〕4号")
    login("operator")
    page = client.get("/hazards/mine").get_data(as_text=True)
    assert "本机构已列入失信联合惩戒对象名单" in page and f"/credit/{own_id}/request-removal" in page
    response = client.post(f"/credit/{own_id}/request-removal")
    assert response.status_code == 302 and response.headers["Location"].endswith("/hazards/mine")
    assert _listing(own_id).status == CreditStatus.REMOVAL_REQUESTED
    assert client.post(f"/credit/{other_id}/request-removal").status_code == 404
    assert _listing(other_id).status == CreditStatus.ACTIVE
    assert client.post(f"/credit/{own_id}/decide-removal", data={"decision": "approve"}).status_code == 403


@pytest.mark.parametrize(("username", "status"), [("xf1", 403), ("admin", 403), ("other_reviewer", 404)])
def test_others_may_not_register_a_removal_application(app, client, login, username, status):
    listing_id = _list(app, SAME_COUNTY)
    login(username)
    assert client.post(f"/credit/{listing_id}/request-removal").status_code == status


def test_the_public_list_shows_active_entries_and_nothing_private(app, client):
    _list(app, SAME_COUNTY, person_name="张某某", note="内部说明：举报人李某", document="五民信〔2024〕6号")
    removed = _list(app, OWN, document="五民信〔2024〕7号")
    with app.app_context():
        db.session.get(CreditListing, removed).status = CreditStatus.REMOVED
        proposal = CreditListing(
            facility_id=facility(OTHER_COUNTY).id, ground=CreditGround.OBSTRUCTION, status=CreditStatus.PROPOSED
        )
        db.session.add(proposal)
        db.session.commit()
    target = facility(SAME_COUNTY)
    secrets = ("张某某", "举报人", target.person_in_charge, target.phone, target.address)
    township = target.region.name
    page = client.get("/credit/public").get_data(as_text=True)
    assert SAME_COUNTY in page and township in page and "五民信〔2024〕6号" in page
    assert "（三）以非法集资" in page and "2024-01-15" in page
    for secret in secrets:
        assert secret not in page
    assert "五民信〔2024〕7号" not in page and OTHER_COUNTY not in page  # removed, and only proposed


def test_inspections_of_another_facility_cannot_be_cited(app, client, login):
    with app.app_context():
        other = _inspected(facility_name=OWN).id
        db.session.commit()
    login("reviewer")
    data = {
        "ground": "7",
        "decided_on": "2026-11-01",
        "decision_document": "五民信〔2026〕9号",
        "evidence": [f"inspection:{other}"],
    }
    response = client.post(f"/credit/new?facility_id={facility(SAME_COUNTY).id}", data=data)
    assert response.status_code == 400
    assert (
        db.session.scalar(select(CreditListing).where(CreditListing.decision_document == "五民信〔2026〕9号")) is None
    )
