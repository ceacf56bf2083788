"""The stage of a grading application, from its records (the names the coverage report counts by)."""

import pytest

from inspection.campaign.stages import Stage, stage_of


@pytest.mark.parametrize(
    ("status", "scheduled", "scored", "decided", "stage"),
    [
        ("submitted", False, False, False, "applied"),
        ("refused", False, False, False, "refused"),
        ("accepted", False, False, False, "accepted"),
        ("accepted", True, False, False, "assessment_scheduled"),
        ("accepted", True, True, False, "assessed"),
        ("decided", True, True, True, "decided"),
    ],
)
def test_each_step_has_its_stage(status, scheduled, scored, decided, stage):
    found = stage_of(status, assessment_scheduled=scheduled, assessment_scored=scored, decided=decided)
    assert found == Stage(stage) and found.value == stage


@pytest.mark.parametrize(("in_publicity", "stage"), [(True, "publicity"), (False, "decided")])
def test_a_decision_is_in_publicity_until_its_publicity_clears(in_publicity, stage):
    found = stage_of(
        "decided", assessment_scheduled=True, assessment_scored=True, decided=True, in_publicity=in_publicity
    )
    assert found == Stage(stage) and found.value == stage


def test_a_published_decision_is_published_whatever_its_status():
    found = stage_of("decided", assessment_scheduled=True, assessment_scored=True, decided=True, published=True)
    assert found == Stage.PUBLISHED


def test_the_stage_names_are_the_campaigns_contract():
    assert [s.value for s in Stage] == [
        "applied",
        "refused",
        "accepted",
        "assessment_scheduled",
        "assessed",
        "publicity",
        "decided",
        "published",
    ]
