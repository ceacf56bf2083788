"""Every shipped data file loads, validates and says what DOMAIN.md says."""

import pytest

from inspection.checklists import (
    CRITERIA_FILENAME,
    DATA_DIR,
    FACILITY_FACTS,
    ItemClass,
    load_criteria_file,
    load_shipped,
    validate_paths,
)

NINE_PROTECTIONS = ("choking", "mis_intake", "pressure_ulcer", "scald", "bed_fall", "fall", "elope", "harm", "activity")


@pytest.fixture(scope="module")
def shipped():
    return load_shipped()


def test_every_shipped_file_validates():
    assert validate_paths([DATA_DIR]) == []


def test_the_checklists_and_the_criteria_are_shipped(shipped):
    assert set(shipped.checklists) == {
        "fire_safety",
        "food_safety",
        "service_safety",
        "grading_gbt37276",
        "building_safety",
        "special_equipment",
        "medical_care",
    }
    assert list(shipped.criteria) == [
        "MH-4-1",
        "MH-4-2",
        "MH-4-3",
        "MH-4-4",
        "MH-5-1",
        "MH-5-2",
        "MH-5-3",
        "MH-6",
        "MH-7",
        "MH-8",
    ]


def test_only_retrieved_criteria_are_verified(shipped):
    unverified = {code for code, criterion in shipped.criteria.items() if not criterion.verified}
    assert unverified == {"MH-6", "MH-7", "MH-8"}
    assert [shipped.criteria[code].category for code in ("MH-4-1", "MH-5-1", "MH-6", "MH-7", "MH-8")] == [1, 2, 3, 4, 5]


def test_every_major_hazard_reference_resolves(shipped):
    for checklist in shipped.checklists.values():
        for item in checklist.items():
            assert set(item.major_hazards) <= set(shipped.criteria), item.code


def test_every_item_has_a_basis_text_and_method(shipped):
    for checklist in shipped.checklists.values():
        for item in checklist.items():
            assert item.basis.strip() and item.text.strip() and item.method.strip(), item.code
            assert set(item.na_when) <= FACILITY_FACTS


def test_a_file_with_an_unverified_item_is_unverified(shipped):
    for checklist in shipped.checklists.values():
        if any(not item.verified for item in checklist.items()):
            assert checklist.verified is False, checklist.code


def test_fire_checklist_has_its_items_and_the_gb35181_major_items(shipped):
    fire = shipped.checklists["fire_safety"]
    codes = {item.code for item in fire.items()}
    # F1 (危房) moved to 住建's building_safety, F16 was split into gas (住建) and special equipment (市场监管), and
    # F17 (微型消防站) left: no source gives it a basis (DOMAIN §11).
    assert {f"F{number}" for number in range(2, 31)} - codes == {"F16", "F17"}
    assert fire.item("F23").item_class is ItemClass.MAJOR and "GB 35181-2017" in fire.item("F23").basis
    assert fire.item("F24").item_class is ItemClass.MAJOR
    assert fire.section_of("F13").department == "mz"
    assert fire.section_of("F5").department == "xf"
    assert fire.rectification_days.major == 0 and fire.rectification_days.major_reinspect_within_days == 7


def test_food_checklist_items_are_na_without_a_canteen_but_bought_in_meals(shipped):
    food = shipped.checklists["food_safety"]
    canteen_items = [item for item in food.items() if item.code != "C15"]
    assert all(item.na_allowed and item.na_when == ("no_canteen",) for item in canteen_items)
    assert food.item("C15").na_when == ("has_canteen",)
    assert sum(item.item_class is ItemClass.GENERAL for item in canteen_items) >= 9
    # C14 (明厨亮灶) left: no national requirement was found (DOMAIN §5.5).
    assert {f"C{number}" for number in range(1, 21)} - {item.code for item in food.items()} == {"C14"}
    assert food.item("C16").major_hazards == ("MH-5-2",)


def test_service_checklist_has_the_nine_protections_and_placeholders_without_points(shipped):
    service = shipped.checklists["service_safety"]
    assert tuple(item.code for item in service.sections[2].items) == NINE_PROTECTIONS
    for code in ("X6", "X7", "X8"):
        item = service.item(code)
        assert item.item_class is ItemClass.MAJOR and item.verified is False and item.na_allowed
        assert item.points == 0 and item.major_hazards


def test_each_joint_meeting_department_owns_sections(shipped):
    owners = {section.department for c in shipped.checklists.values() for section in c.sections}
    assert owners == {"mz", "xf", "sc", "wj", "zj"}
    assert shipped.checklists["building_safety"].section_departments() == {"zj"}
    assert shipped.checklists["building_safety"].item("F1").major_hazards == ("MH-4-1",)
    assert shipped.checklists["special_equipment"].section_departments() == {"sc"}
    assert shipped.checklists["medical_care"].section_departments() == {"wj"}


def test_medical_and_special_equipment_items_apply_by_the_facility_facts(shipped):
    assert all(item.na_when == ("no_medical_unit",) for item in shipped.checklists["medical_care"].items())
    assert all(item.na_when == ("no_special_equipment",) for item in shipped.checklists["special_equipment"].items())
    assert shipped.checklists["medical_care"].item("W1").major_hazards == ("MH-5-1",)


def test_item_codes_are_unique_across_the_shipped_checklists(shipped):
    """An inspection may combine any checklists, and its item codes must not repeat."""
    codes = [item.code for c in shipped.checklists.values() for item in c.items()]
    assert len(codes) == len(set(codes))


def test_grading_scheme_sections_sum_to_1000_and_is_unverified(shipped):
    grading = shipped.checklists["grading_gbt37276"]
    assert [(section.title, section.max_points) for section in grading.sections] == [
        ("环境", 120),
        ("设施设备", 130),
        ("运营管理", 150),
        ("服务", 600),
    ]
    assert grading.verified is False and grading.verdict.verified is False
    assert sum(item.points for item in grading.sections[0].items if item.code.startswith("1.1.1.")) == 10
    assert grading.item("1.1.1.5").na_when == ("no_campus_roads",)
    assert len(grading.sections[3].items) == 10
    levels = grading.verdict.params.levels
    assert [(level.min_total, level.min_section_pct) for level in levels] == [
        (360, 40),
        (450, 50),
        (570, 60),
        (780, 80),
        (900, 90),
    ]
    assert "has_medical_unit" in levels[4].requires


def test_criteria_file_loads_alone():
    criteria = load_criteria_file(DATA_DIR / CRITERIA_FILENAME)
    assert criteria["MH-5-2"].basis.endswith("第五条（二）")
