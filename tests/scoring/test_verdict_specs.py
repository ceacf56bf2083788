"""The ``[verdict]`` tables of the 2022 food rule and of the band cap are checked when a file is loaded: a mistake
names the file and the field."""

import pytest

from inspection.checklists import ChecklistError, load_checklist_text
from inspection.checklists.loader import DATA_DIR

FIRE = (DATA_DIR / "fire_safety.toml").read_text(encoding="utf-8")
FOOD = (DATA_DIR / "food_safety.toml").read_text(encoding="utf-8")
CAP = 'cap_on_failed_key = "pass"'


def problem(text: str, source: str) -> str:
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text(text, source)
    return str(caught.value)


def test_the_shipped_fire_and_service_files_cap_at_pass():
    for name in ("fire_safety.toml", "service_safety.toml"):
        params = load_checklist_text((DATA_DIR / name).read_text(encoding="utf-8"), name).verdict.params
        assert params.cap_on_failed_key.label == "合格"


def test_a_cap_naming_no_band_names_the_file_the_field_and_the_bands():
    message = problem(FIRE.replace(CAP, 'cap_on_failed_key = "passed"'), "fire_safety.toml")
    for part in ("fire_safety.toml", "verdict.cap_on_failed_key", "excellent, good, pass, fail", "'passed'"):
        assert part in message


def test_a_cap_that_is_not_text_is_refused():
    message = problem(FIRE.replace(CAP, "cap_on_failed_key = 60"), "fire_safety.toml")
    assert "verdict.cap_on_failed_key" in message and "non-empty string" in message


def test_without_a_cap_a_failed_key_item_does_not_cap():
    assert load_checklist_text(FIRE.replace(CAP, ""), "fire_safety.toml").verdict.params.cap_on_failed_key is None


def test_the_2022_food_rule_takes_only_its_labels():
    message = problem(FOOD.replace('rule = "food_2022"', 'rule = "food_2022"\nmax_general_failures = 8'), "x.toml")
    assert "x.toml" in message and "verdict.max_general_failures" in message and "unknown parameter" in message
    message = problem(FOOD.replace('basically_compliant = "基本符合"\n', ""), "food_safety.toml")
    assert "verdict.labels.basically_compliant" in message
