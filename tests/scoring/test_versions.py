"""An inspection keeps the verdict rule of the checklist version it was recorded under: food inspections recorded
before the 总局令第49号 version was imported re-score under the 2016 rule, unchanged; new ones under the 2022 rule."""

import pytest

from inspection.checklists.loader import DATA_DIR
from inspection.services.checklists import checklist_of, import_checklist
from inspection.services.submission import score_checklist
from tests.factories import SETUP, inspect, make_facility
from tests.scoring.food_versions import food_2016_text

pytestmark = pytest.mark.usefixtures("app_ctx")


def _food_checklist(inspection):
    return next(ic for ic in inspection.checklists if ic.version.code == "food_safety")


def test_an_old_version_inspection_re_scores_under_the_2016_rule_unchanged():
    old_version, created = import_checklist(food_2016_text(), "food_safety.toml", SETUP)
    assert created and checklist_of(old_version).verdict.rule == "food_2016"
    # Nine failed general items: 不符合 under the 2016 rule (more than 8), 基本符合 under the 2022 rule.
    nine_general = [item.code for item in checklist_of(old_version).items() if item.item_class == "general"][:9]
    old = _food_checklist(inspect(make_facility(), ("food_safety",), fail=nine_general))
    assert old.version.id == old_version.id
    assert (old.result["rule"], old.verdict) == ("food_2016", "不符合")

    # The 2022 version is imported later (the shipped file, one word changed so that it is new to this database).
    shipped = (DATA_DIR / "food_safety.toml").read_text(encoding="utf-8")
    shipped = shipped.replace('source_note = "《市场监督管理总局令', 'source_note = "（新版）《市场监督管理总局令', 1)
    new_version, created = import_checklist(shipped, "food_safety.toml", SETUP)
    assert created and new_version.version > old_version.version

    rescored = score_checklist(old)
    assert rescored.rule == "food_2016"
    assert rescored.to_dict() == old.result

    new = _food_checklist(inspect(make_facility(), ("food_safety",), fail=nine_general))
    assert new.version.id == new_version.id
    assert (new.result["rule"], new.verdict) == ("food_2022", "基本符合")
