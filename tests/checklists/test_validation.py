"""Malformed checklist files fail with a message naming the file, section, item and field."""

from pathlib import Path

import pytest

from inspection.checklists import ChecklistError, content_hash, load_checklist_file, load_checklist_text, validate_paths
from inspection.checklists.loader import load_criteria_file

HAZARDS = {"MH-4-1", "MH-5-2"}

VALID = """
code = "demo"
title = "演示检查表"
department = "xf"
verified = true
source_note = "test"

[verdict]
rule = "percent_bands"

[[verdict.bands]]
min_percent = 60
code = "pass"
label = "合格"

[[verdict.bands]]
min_percent = 0
code = "fail"
label = "不合格"

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "evac"
title = "疏散"

[[sections.items]]
code = "A1"
text = "安全出口畅通，未上锁"
method = "现场查看"
basis = "《消防法》第28条"
class = "key"
points = 5
na_allowed = false
photo_on_fail = true
requirement = "立即拆除安全出口门锁"

[[sections.items]]
code = "A2"
text = "房屋未被鉴定为危房"
method = "查阅鉴定报告"
basis = "判定标准 第四条（一）"
class = "major"
points = 10
na_allowed = true
na_when = ["no_canteen"]
photo_on_fail = true
major_hazards = ["MH-4-1"]
requirement = "立即停止使用危房"
"""


def load(text: str):
    return load_checklist_text(text, "demo.toml", HAZARDS)


def problem_text(text: str) -> str:
    with pytest.raises(ChecklistError) as caught:
        load(text)
    return str(caught.value)


def assert_names(message: str, *names: str) -> None:
    for name in names:
        assert name in message, f"{name!r} not in {message!r}"


def test_the_template_is_valid():
    checklist = load(VALID)
    assert checklist.code == "demo" and checklist.max_points == 15
    assert checklist.item("A2").na_when == ("no_canteen",)


def test_negative_points_message_names_file_section_item_and_field():
    message = problem_text(VALID.replace("points = 5", "points = -3"))
    assert message == 'demo.toml: section "evac" item "A1": field "points": must be a non-negative integer, got -3'


@pytest.mark.parametrize("value", ["true", "2.5", '"5"'])
def test_points_must_be_a_non_negative_int_not_a_bool_or_float(value):
    message = problem_text(VALID.replace("points = 5", f"points = {value}"))
    assert_names(message, "demo.toml", '"evac"', '"A1"', 'field "points"', "non-negative integer")


def test_only_a_major_item_may_carry_no_points():
    """A placeholder that exists to carry a veto carries no points; a key or general item without points would
    count for nothing."""
    assert load(VALID.replace("points = 10", "points = 0")).item("A2").points == 0
    message = problem_text(VALID.replace("points = 5", "points = 0"))
    assert_names(message, '"A1"', 'field "points"', "only a class = major item may carry 0 points")


def test_bad_toml_syntax_names_the_line():
    message = problem_text(VALID.replace('title = "演示检查表"', 'title "演示检查表"'))
    assert_names(message, "demo.toml", "invalid TOML", "line 3")


def test_missing_top_level_field():
    assert_names(problem_text(VALID.replace('title = "演示检查表"\n', "")), 'field "title"', "missing required field")


def test_unknown_top_level_field_suggests_the_right_one():
    message = problem_text(VALID.replace('title = "演示检查表"', 'titel = "演示检查表"'))
    assert_names(message, 'field "titel"', "unknown field", "'title'")


def test_unknown_department():
    message = problem_text(VALID.replace('department = "xf"', 'department = "police"'))
    assert_names(message, 'field "department"', "mz, xf, sc, wj, zj", '"police"')


def test_unknown_section_department():
    message = problem_text(VALID.replace('title = "疏散"', 'title = "疏散"\ndepartment = "x"'))
    assert_names(message, 'section "evac"', 'field "department"')


def test_unknown_verdict_rule():
    message = problem_text(VALID.replace('rule = "percent_bands"', 'rule = "stars"'))
    assert_names(message, 'field "verdict.rule"', '"stars"', "percent_bands", "food_2016", "gbt37276_grade")


def test_bands_must_descend():
    message = problem_text(VALID.replace("min_percent = 60", "min_percent = 0", 1))
    assert_names(message, 'field "verdict.bands[1].min_percent"', "descending")


def test_missing_food_rule_parameter():
    food = VALID.replace(
        '[verdict]\nrule = "percent_bands"',
        '[verdict]\nrule = "food_2016"\nmax_key_failures = 0\n[verdict.labels]\n'
        'compliant = "符合"\nbasically_compliant = "基本符合"\nnon_compliant = "不符合"\n[verdict.x]',
    )
    food = food.split("[verdict.x]")[0] + "[rectification_days]" + food.split("[rectification_days]")[1]
    assert_names(problem_text(food), 'field "verdict.max_general_failures"', "missing")


def test_unknown_verdict_parameter():
    message = problem_text(VALID.replace('rule = "percent_bands"', 'rule = "percent_bands"\nthreshold = 3'))
    assert_names(message, 'field "verdict.threshold"', "unknown parameter")


def test_empty_section():
    text = VALID.split("[[sections.items]]")[0] + "items = []\n"
    assert_names(problem_text(text), 'section "evac"', 'field "items"', "must not be empty")


def test_duplicate_section_code():
    second = '\n[[sections]]\ncode = "evac"\ntitle = "重复"\n' + VALID.split('title = "疏散"')[1].replace(
        "A1", "B1"
    ).replace("A2", "B2")
    assert_names(problem_text(VALID + second), 'section "evac"', "duplicate section code")


def test_duplicate_item_code():
    message = problem_text(VALID.replace('code = "A2"', 'code = "A1"'))
    assert_names(message, 'section "evac" item "A1"', 'field "code"', "duplicate item code")


@pytest.mark.parametrize("field", ["text", "basis"])
def test_missing_text_or_basis(field):
    line = {"text": 'text = "安全出口畅通，未上锁"\n', "basis": 'basis = "《消防法》第28条"\n'}[field]
    message = problem_text(VALID.replace(line, ""))
    assert_names(message, 'section "evac" item "A1"', f'field "{field}"', "missing required field")


def test_empty_basis():
    message = problem_text(VALID.replace('basis = "《消防法》第28条"', 'basis = "  "'))
    assert_names(message, 'item "A1"', 'field "basis"', "non-empty string")


def test_class_must_be_major_key_or_general():
    message = problem_text(VALID.replace('class = "key"', 'class = "critical"'))
    assert_names(message, 'item "A1"', 'field "class"', "major, key, general", '"critical"')


def test_na_when_requires_na_allowed():
    message = problem_text(VALID.replace("na_allowed = true", "na_allowed = false"))
    assert_names(message, 'item "A2"', 'field "na_when"', "na_allowed = true")


def test_unknown_na_when_fact():
    message = problem_text(VALID.replace('na_when = ["no_canteen"]', 'na_when = ["no_kitchen"]'))
    assert_names(message, 'item "A2"', 'field "na_when"', '"no_kitchen"', "no_canteen")


def test_unknown_major_hazard_reference():
    message = problem_text(VALID.replace('major_hazards = ["MH-4-1"]', 'major_hazards = ["MH-9-9"]'))
    assert_names(message, 'item "A2"', 'field "major_hazards"', '"MH-9-9"')


def test_major_hazards_only_on_major_items():
    message = problem_text(VALID.replace('class = "major"', 'class = "key"'))
    assert_names(message, 'item "A2"', 'field "major_hazards"', "class = major")


def test_unknown_item_field_is_a_typo_not_silence():
    message = problem_text(
        VALID.replace("photo_on_fail = true\nmajor", "photo_on_fail = true\nphoto_on_fial = true\nmajor")
    )
    assert_names(message, 'section "evac" item "A2"', 'field "photo_on_fial"', "unknown field", "'photo_on_fail'")


def test_canned_notes_hold_two_to_four_phrases():
    message = problem_text(
        VALID.replace("photo_on_fail = true\nmajor", 'photo_on_fail = true\ncanned_notes = ["x"]\nmajor')
    )
    assert_names(message, 'item "A2"', 'field "canned_notes"', "2 to 4")


def test_rectification_days_must_be_complete():
    message = problem_text(VALID.replace("key = 15\n", ""))
    assert_names(message, 'field "rectification_days.key"', "missing")


def test_all_problems_of_a_file_are_reported_together():
    text = VALID.replace("points = 5", "points = -3").replace('class = "major"', 'class = "huge"')
    with pytest.raises(ChecklistError) as caught:
        load(text)
    assert [(p.item, p.field) for p in caught.value.problems] == [("A1", "points"), ("A2", "class")]


GRADING = """
code = "grading"
title = "等级评定"
department = "mz"
verified = false
source_note = "test"

[verdict]
rule = "gbt37276_grade"
nominal_total = 10

[verdict.section_points]
env = 4
svc = 6

[[verdict.levels]]
level = 1
label = "一级"
min_total = 3
min_section_pct = 30
min_occupancy_pct = 30

[[verdict.levels]]
level = 2
label = "二级"
min_total = 6
min_section_pct = 60
min_occupancy_pct = 35
requires = ["has_medical_unit"]

[rectification_days]
major = 0
major_reinspect_within_days = 7
key = 15
general = 30

[[sections]]
code = "env"
title = "环境"

[[sections.items]]
code = "E1"
text = "环境"
method = "查看"
basis = "实施指南"
class = "general"
points = 4
na_allowed = false
photo_on_fail = false

[[sections]]
code = "svc"
title = "服务"

[[sections.items]]
code = "S1"
text = "服务"
method = "查看"
basis = "实施指南"
class = "general"
points = 6
na_allowed = false
photo_on_fail = false
"""


def test_grading_template_is_valid():
    assert load_checklist_text(GRADING, "grading.toml", HAZARDS).max_points == 10


def test_grading_section_points_must_match_items():
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text(GRADING.replace("points = 6", "points = 7"), "grading.toml", HAZARDS)
    assert_names(str(caught.value), "grading.toml", 'section "svc"', 'field "points"', "sum to 7, declared 6")


def test_grading_declared_total_must_add_up():
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text(GRADING.replace("nominal_total = 10", "nominal_total = 12"), "grading.toml", HAZARDS)
    assert_names(str(caught.value), 'field "verdict.section_points"', "!= nominal_total 12")


def test_grading_thresholds_must_not_fall_as_levels_rise():
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text(GRADING.replace("min_total = 6", "min_total = 2"), "grading.toml", HAZARDS)
    assert_names(str(caught.value), 'field "verdict.levels[1].min_total"', "lower than level 1")


def test_grading_requires_known_facts():
    with pytest.raises(ChecklistError) as caught:
        load_checklist_text(GRADING.replace('["has_medical_unit"]', '["has_pool"]'), "grading.toml", HAZARDS)
    assert_names(str(caught.value), 'field "verdict.levels[1].requires"', "has_pool")


def test_file_name_must_match_code(tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_checklist_file(path, HAZARDS)
    assert_names(str(caught.value), "other.toml", 'field "code"', "'other'")


def test_validate_paths_reports_every_bad_file_in_a_directory(tmp_path: Path):
    (tmp_path / "demo.toml").write_text(VALID.replace('"MH-4-1"', '"MH-9-9"'), encoding="utf-8")
    (tmp_path / "broken.toml").write_text("code = ", encoding="utf-8")
    errors = validate_paths([tmp_path])
    assert len(errors) == 2
    assert errors[0].startswith("broken.toml: invalid TOML")
    assert (
        errors[1]
        == 'demo.toml: section "evac" item "A2": field "major_hazards": unknown major-hazard criterion "MH-9-9"'
    )


def test_validate_paths_uses_criteria_among_the_paths(tmp_path: Path):
    (tmp_path / "major_hazards.toml").write_text(
        'title = "t"\nverified = true\nsource_note = "s"\n[[criteria]]\ncode = "MH-4-1"\ncategory = 1\n'
        'text = "t"\nbasis = "b"\nverified = true\n',
        encoding="utf-8",
    )
    (tmp_path / "demo.toml").write_text(VALID, encoding="utf-8")
    assert validate_paths([tmp_path]) == []


def test_criteria_file_errors_are_located(tmp_path: Path):
    path = tmp_path / "major_hazards.toml"
    path.write_text(
        'title = "t"\nverified = true\nsource_note = "s"\n[[criteria]]\ncode = "MH-4-1"\ncategory = 6\n'
        'text = "t"\nbasis = "b"\nverified = true\n',
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError) as caught:
        load_criteria_file(path)
    assert str(caught.value) == (
        'major_hazards.toml: item "MH-4-1": field "criteria.category": must be an integer from 1 to 5, got 6'
    )


def test_content_hash_ignores_comments_and_layout():
    reformatted = "# a comment\n" + VALID.replace("points = 5", "points   =   5  # five").replace("\n\n", "\n")
    assert content_hash(reformatted) == content_hash(VALID)


def test_content_hash_changes_when_an_item_changes():
    assert content_hash(VALID.replace("points = 5", "points = 6")) != content_hash(VALID)
    assert content_hash(VALID.replace("安全出口畅通，未上锁", "安全出口畅通，未锁闭")) != content_hash(VALID)
