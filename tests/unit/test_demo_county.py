"""The demo county is 五寨县 as it is today (DOMAIN §15.1, issue 13): its ten townships, village sites under the
county plan's word, and one name per facility in the demo and in the notice fixtures."""

from inspection.demo import county
from inspection.models import FacilityType
from inspection.models.facilities import FACILITY_TYPE_LABELS
from tests.notices.fixtures.contexts import FACILITY_NAME

TEN_TOWNSHIPS = {
    "砚城镇",
    "小河头镇",
    "三岔镇",
    "前所乡",
    "李家坪乡",
    "孙家坪乡",
    "胡会乡",
    "韩家楼乡",
    "东秀庄乡",
    "杏岭子乡",
}
VILLAGE_SITE = "农村老年人日间照料中心"


def test_the_townships_are_the_ten_of_today():
    assert set(county.TOWNSHIPS) == TEN_TOWNSHIPS and len(county.TOWNSHIPS) == 10
    assert {row[1] for row in county.FACILITIES} <= TEN_TOWNSHIPS


def test_village_sites_carry_the_county_plans_word_never_mutual_aid_home():
    names = [row[0] for row in county.FACILITIES]
    assert not [name for name in names if "幸福院" in name]
    villages = [row[0] for row in county.FACILITIES if row[2] == FacilityType.MUTUAL_AID]
    assert villages and all(name.endswith(f"村{VILLAGE_SITE}") for name in villages)
    assert FACILITY_TYPE_LABELS[FacilityType.MUTUAL_AID] == VILLAGE_SITE


def test_one_name_per_facility_in_the_demo_and_the_notice_fixtures():
    names = [row[0] for row in county.FACILITIES]
    assert len(names) == len(set(names))
    assert FACILITY_NAME in names  # 清涟敬老院, as the county plan names it
