"""Why a result was decided, in the reader's language (issue 17): the stored Chinese text stays as it was (the API's
`verdict` and `decided_by`, the exports), pages and the API's `verdict_label` and `explanation` say it in English to
an English reader, for results stored with their explanation's data and for those stored before it, which are read
back from their text."""

import re

import pytest
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import CreditGround, InspectionChecklist, User
from tests.api.conftest import token_for
from tests.factories import OWN, SAME_COUNTY, blacklist, grade, inspect

CHINESE = re.compile(r"[\u3400-\u9fff]")


def explanation_on(page: str) -> str:
    """The explanation under the verdict of the first result on an inspection's page."""
    found = re.search(r'<p class="stat">.*?</p>\s*<p class="muted">(.*?)</p>', page, re.S)
    assert found, "the page explains its verdict"
    return found.group(1)


def speaks(username: str, locale: str) -> None:
    db.session.scalar(select(User).where(User.username == username)).locale = locale
    db.session.commit()


#: What a grading with a major hazard still open explains, in Chinese and in English.
WITHHELD = "暂缓评定：尚有 1 项重大事故隐患未经复查销号"
WITHHELD_EN = "Grading withheld: major accident hazards not yet closed by a re-inspection: 1"


@pytest.fixture
def withheld(cast) -> tuple[int, int]:
    """A grading of the cast's own facility, withheld for the major hazard (a locked exit) a fire inspection left
    open: (its result's id, its inspection's id)."""
    inspect(cast[OWN], ["fire_safety"], fail=["F2"])
    ic = grade(cast[OWN], 3, countersign=False)
    db.session.commit()
    return ic.id, ic.inspection_id


def stored_before_explanations(checklist_id: int, **changes: object) -> None:
    """Make the result one stored before results kept their explanation's data (with `changes`)."""
    ic = db.session.get(InspectionChecklist, checklist_id)
    ic.result = {key: value for key, value in ic.result.items() if key != "explanation"} | changes
    db.session.commit()


@pytest.mark.parametrize("stored", ["with its data", "as text only"])
def test_an_inspection_page_explains_a_withheld_grade_in_the_readers_language(client, login, withheld, stored):
    checklist_id, inspection_id = withheld
    if stored == "as text only":
        stored_before_explanations(checklist_id)
    login("reviewer")
    url = f"/inspections/{inspection_id}"
    assert explanation_on(client.get(url).get_data(as_text=True)) == WITHHELD
    speaks("reviewer", "en")
    assert explanation_on(client.get(url).get_data(as_text=True)) == WITHHELD_EN


@pytest.mark.parametrize("stored", ["with its data", "as text only"])
def test_a_grade_to_countersign_is_explained_in_words_in_the_readers_language(client, login, cast, stored):
    checklist_id = grade(cast[OWN], 3, countersign=False).id
    db.session.commit()
    if stored == "as text only":
        stored_before_explanations(checklist_id)
    login("reviewer")
    chinese = client.get("/rankings/reviews").get_data(as_text=True)
    assert "满足三级全部条件，结论：三级（四级未达：总分" in chinese
    speaks("reviewer", "en")
    english = client.get("/rankings/reviews").get_data(as_text=True)
    reached = r"Total [\d.]+, meets every condition of Level 3, verdict: Level 3 \(Level 4 not reached: "
    assert re.search(reached, english)
    assert "满足" not in english and "→" not in english


@pytest.mark.parametrize("stored", ["with its data", "as text only"])
def test_the_api_keeps_the_stored_text_and_explains_it_in_the_token_users_language(client, withheld, stored):
    checklist_id, inspection_id = withheld
    if stored == "as text only":
        stored_before_explanations(checklist_id)
    path = f"/api/v1/inspections/{inspection_id}"

    def result() -> dict:
        headers = {"Authorization": f"Bearer {token_for(client, 'reviewer')}"}
        return client.get(path, headers=headers).get_json()["results"][0]

    def poll(etag: str = "") -> tuple[int, str]:
        headers = {"Authorization": f"Bearer {token_for(client, 'reviewer')}", "If-None-Match": etag}
        response = client.get(path, headers=headers)
        return response.status_code, response.headers["ETag"]

    chinese = result()
    _status, chinese_tag = poll()
    assert chinese["decided_by"] == chinese["explanation"] == WITHHELD
    assert chinese["verdict"] == chinese["verdict_label"] == "暂缓评定"
    speaks("reviewer", "en")
    assert poll(chinese_tag)[0] == 200  # a phone that switched language gets the results in it, not a 304
    english = result()
    assert (english["verdict"], english["decided_by"]) == ("暂缓评定", WITHHELD)
    assert (english["verdict_label"], english["explanation"]) == ("Grading withheld", WITHHELD_EN)


def test_an_explanation_no_rule_writes_any_more_stays_as_written(client, login, withheld):
    checklist_id, inspection_id = withheld
    stored_before_explanations(checklist_id, decided_by="按旧规则：暂缓评定")
    speaks("reviewer", "en")
    login("reviewer")
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert explanation_on(page) == "按旧规则：暂缓评定"


def test_the_league_table_gives_its_reasons_in_english(client, login, cast, withheld):
    blacklist(cast[SAME_COUNTY], ground=CreditGround.OBSTRUCTION)
    db.session.commit()
    speaks("reviewer", "en")
    login("reviewer")
    page = client.get("/rankings/").get_data(as_text=True)
    reasons = re.findall(r'<p class="reason">(.*?)</p>', page, re.S)
    assert WITHHELD_EN in reasons
    assert any(reason.startswith("On the list of elderly care market dishonest parties") for reason in reasons)
    assert not any(CHINESE.search(reason) for reason in reasons), reasons
