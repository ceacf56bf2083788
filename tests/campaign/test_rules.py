"""The campaign rules file: the shipped province loads, and every problem names the file, the item and the field."""

from datetime import date

import pytest

from inspection.campaign.rules import CampaignRulesError, RuleCode, load_rules, parse_rules

GOOD = """
province = "test"
name = "测试省"
verified = false
source_note = "测试"

[[rules]]
code = "min_operating_months"
value = 12
basis = "测试依据"
verified = false

[campaign]
target_date = 2021-12-31
publicity_working_days = 5
validity_years = 3
min_assessors = 3
expiry_warning_days = 90
verified = false
source_note = "测试"
"""


def test_the_shipped_shanxi_rules_load_with_every_rule_and_the_campaign_figures():
    rules = load_rules("shanxi")
    assert {r.code for r in rules.rules} == set(RuleCode) and not rules.verified
    assert rules.rule(RuleCode.MIN_OPERATING_MONTHS).value == 12
    assert rules.rule(RuleCode.FIRST_TIME_MAX_LEVEL).value == 3
    assert rules.rule(RuleCode.RECENT_PENALTY).value == 24
    campaign = rules.campaign
    assert (campaign.target_date, campaign.publicity_working_days, campaign.validity_years) == (
        date(2021, 12, 31),
        5,
        3,
    )
    assert campaign.min_assessors == 3 and not campaign.verified


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'code = "min_operating_months"',
            'code = "min_beds"',
            'rules[0] (code "min_beds"): field "code" must be one of',
        ),
        ("value = 12", "value = -1", 'rules[0] (code "min_operating_months"): field "value" must be an integer'),
        ("value = 12", 'value = "12"', 'field "value" must be an integer from 0 to 120'),
        ('basis = "测试依据"\n', "", 'rules[0] (code "min_operating_months"): field "basis" is missing'),
        ("verified = false\n\n[campaign]", 'verified = "no"\n\n[campaign]', 'field "verified" must be true or false'),
        ("validity_years = 3", "validity_years = 0", 'campaign: field "validity_years" must be an integer from 1'),
        ("target_date = 2021-12-31", 'target_date = "2021"', 'campaign: field "target_date" must be a date'),
        ("min_assessors = 3", "min_assessors = 3\nchair = 1", 'campaign: unknown field "chair"'),
        ('name = "测试省"\n', "", 'top level: field "name" is missing'),
    ],
)
def test_a_bad_file_is_refused_naming_file_item_and_field(old, new, problem):
    assert old in GOOD
    with pytest.raises(CampaignRulesError) as refused:
        parse_rules(GOOD.replace(old, new), "provinces/test.toml")
    assert any(p.startswith("provinces/test.toml: ") and problem in p for p in refused.value.problems), refused.value


def test_a_rule_given_twice_and_a_missing_campaign_are_both_reported():
    text = GOOD.replace("[campaign]", GOOD[GOOD.index("[[rules]]") : GOOD.index("[campaign]")] + "[campaign]")
    text = text[: text.index("[campaign]")]
    with pytest.raises(CampaignRulesError) as refused:
        parse_rules(text, "x.toml")
    problems = refused.value.problems
    assert any('rules[1] (code "min_operating_months"): field "code" repeats' in p for p in problems)
    assert any('table "campaign" is missing' in p for p in problems)


def test_a_missing_province_file_is_named(tmp_path):
    with pytest.raises(CampaignRulesError, match=r"nowhere\.toml"):
        load_rules("nowhere", tmp_path)
    (tmp_path / "other.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(CampaignRulesError, match='field "province" must be "other"'):
        load_rules("other", tmp_path)


def test_the_app_refuses_to_start_with_an_unknown_province():
    from inspection import create_app

    with pytest.raises(CampaignRulesError, match=r"atlantis\.toml"):
        create_app({"TESTING": True, "GRADING_PROVINCE": "atlantis", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
