"""GET /api/v1/grading/coverage: the campaign's coverage in the user's region, as documented (issue 14)."""

from tests.api.conftest import assert_error
from tests.api.test_contract import assert_documented
from tests.campaign.coverage_world import build_world, clock  # noqa: F401 (a fixture)
from tests.factories import base_county

PATH = "/grading/coverage"


def test_the_reviewer_gets_every_eligible_home_of_the_county_with_its_stage_and_the_totals(as_user, cast, clock):  # noqa: F811
    world = build_world(cast)
    response = as_user("reviewer").get(PATH)
    assert response.status_code == 200
    assert_documented(response, "get", PATH)
    body = response.json
    assert set(body) == {
        "target_date", "eligible", "graded", "in_progress", "not_started", "expiring_within_90_days", "items"
    }  # fmt: skip
    assert body["target_date"] == "2021-12-31"
    stages = list(world.stages.values())
    assert body["eligible"] == len(world.stages) == 7  # the day-care centre, the closed home and the neighbour's: out
    assert body["graded"] == stages.count("graded") == 2
    assert body["in_progress"] == stages.count("applied") + stages.count("accepted") == 2
    assert body["not_started"] == stages.count("not_started") + stages.count("refused") + stages.count("expired") == 3
    assert body["expiring_within_90_days"] == 1  # 将到期敬老院, valid until 2027-01-19
    items = {i["name"]: i for i in body["items"]}
    assert {name: i["stage"] for name, i in items.items()} == world.stages
    for name, item in items.items():
        assert item["facility_id"] == world.ids[name]
        expected = world.grades.get(name, (None, None))
        assert (item["level"], item["valid_until"]) == expected
    townships = [i["township"] for i in body["items"]]
    assert townships == sorted(townships)  # grouped by township


def test_the_filters_narrow_the_items_by_stage_and_the_whole_report_by_township(as_user, cast, clock):  # noqa: F811
    build_world(cast)
    reviewer = as_user("reviewer")
    refused = reviewer.get(f"{PATH}?stage=refused").json
    assert [i["name"] for i in refused["items"]] == ["拒绝敬老院"]
    assert refused["eligible"] == 7 and refused["not_started"] == 3  # the totals stay the county's
    second = base_county().townships[1].id
    in_second = reviewer.get(f"{PATH}?township={second}&stage=").json
    assert {i["name"] for i in in_second["items"]} == {"将到期敬老院", "未申请敬老院"}
    assert (in_second["eligible"], in_second["graded"], in_second["not_started"]) == (2, 1, 1)
    both = reviewer.get(f"{PATH}?township={second}&stage=graded").json
    assert [i["name"] for i in both["items"]] == ["将到期敬老院"]
    error = assert_error(reviewer.get(f"{PATH}?stage=finished"), 400, "bad_request")
    assert "stage" in error["fields"]
    assert_error(reviewer.get(f"{PATH}?township=abc"), 400, "bad_request")


def test_only_reviewers_and_administrators_of_the_region_see_the_coverage(as_user, cast, clock):  # noqa: F811
    build_world(cast)
    for username in ("xf1", "mz1", "operator"):
        assert_error(as_user(username).get(PATH), 403, "forbidden")
    assert as_user("admin").get(PATH).json["eligible"] == 7
    neighbour = as_user("other_reviewer").get(PATH).json
    assert [i["name"] for i in neighbour["items"]] == ["邻县敬老院"]
    assert (neighbour["graded"], neighbour["items"][0]["level"]) == (1, 3)
    own_township = base_county().townships[0].id
    assert as_user("other_reviewer").get(f"{PATH}?township={own_township}").json["items"] == []
