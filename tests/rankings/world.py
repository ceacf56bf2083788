"""The county the league-table tests read: every group of the ranking rule, built through the services.

Seventeen facilities of one county (the reviewer's), and one of a neighbouring county:

========================  ===============  =================================================================
facility                  group            story
========================  ===============  =================================================================
社会福利中心              graded 4         graded 三级 then 四级 (trend up)
康宁老年公寓 (private)    graded 3         graded 三级 twice
清涟敬老院                graded 2         a fire hazard rectified and closed (after photos), one still open
北苑敬老院                graded 2         graded 三级 then 二级 (trend down), an open fire hazard
三岔镇敬老院              pending          graded 二级 6 days ago, not countersigned yet
韩家楼敬老院 (township 2) withheld         a closed hazard, then a major fire hazard open and overdue
颐和养老院 (private)      blacklisted      graded 一级, open hazards, listed 40 days ago
康乐养老院 (private)      unrated          a small residential home, never graded
nine others               not eligible     day care, mutual aid and resettlement sites: not 养老机构, never ranked
========================  ===============  =================================================================

Users: admin, reviewer, mz1, xf1, operator (清涟敬老院) of the county; other_reviewer of the neighbour.
"""

from datetime import date, timedelta

from inspection.identifiers import uscc_check_character
from inspection.models import FacilityType, Ownership, Role
from tests.factories import (
    blacklist,
    close_hazard,
    grade,
    hazards_of,
    inspect,
    make_county,
    make_facility,
    make_inspector,
    make_operator,
    make_reviewer,
    make_user,
)

NURSING_HOMES = {"清涟敬老院", "北苑敬老院", "韩家楼敬老院", "三岔镇敬老院"}
#: Residential facilities never graded (group UNRATED).
UNRATED = 1
#: Facilities outside the grading's scope (group NOT_ELIGIBLE: no rank, after every ranked one).
NOT_ELIGIBLE = 9
RANKED = 7 + UNRATED
FACILITIES = RANKED + NOT_ELIGIBLE


def days_ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def build_ranking_county() -> None:
    county = make_county("排名县", townships=2, short="排")
    first, second = county.townships
    make_user(Role.ADMIN, county, username="admin")
    make_reviewer(county, username="reviewer")
    make_inspector("mz", county, username="mz1")
    make_inspector("xf", county, username="xf1")

    def home(name, **fields):
        return make_facility(county, name=name, **fields)

    welfare = home("社会福利中心", type=FacilityType.WELFARE_CENTRE, beds=150, residents=96, has_medical_unit=True)
    grade(welfare, 3, on=days_ago(400))
    grade(welfare, 4, on=days_ago(40))
    inspect(welfare, on=days_ago(35))

    kangning = home("康宁老年公寓", type=FacilityType.PRIVATE_HOME, ownership=Ownership.PRIVATE, beds=120, residents=67)
    grade(kangning, 3, on=days_ago(430))
    grade(kangning, 3, on=days_ago(75))

    qinglian = home("清涟敬老院")
    operator = make_operator(qinglian, username="operator")
    grade(qinglian, 2, on=days_ago(465))
    grade(qinglian, 2, on=days_ago(100))
    for hazard in hazards_of(inspect(qinglian, on=days_ago(120), fail=["F3"])):
        close_hazard(hazard, on=days_ago(110), operator=operator)
    inspect(qinglian, on=days_ago(25), fail=["F4"])

    first17 = "52140999MJY000001"
    beiyuan = home(
        "北苑敬老院",
        uscc=first17 + uscc_check_character(first17),
        legal_representative="法定代表人（测试）",
        food_licence_no="JY31409990000001",
    )
    grade(beiyuan, 3, on=days_ago(485))
    grade(beiyuan, 2, on=days_ago(120))
    inspect(beiyuan, on=days_ago(60), fail=["F3"])

    sancha = home("三岔镇敬老院")
    grade(sancha, 1, on=days_ago(371))
    grade(sancha, 2, on=days_ago(6), countersign=False)

    hanjialou = home("韩家楼敬老院", region_id=second.id)
    grade(hanjialou, 2, on=days_ago(385))
    for hazard in hazards_of(inspect(hanjialou, on=days_ago(200), fail=["F3"])):
        close_hazard(hazard, on=days_ago(190))
    inspect(hanjialou, on=days_ago(50), fail=["F2"])  # a major hazard, never rectified
    grade(hanjialou, 2, on=days_ago(20))  # withheld: the major hazard is open

    yihe = home("颐和养老院", type=FacilityType.PRIVATE_HOME, ownership=Ownership.PRIVATE, beds=70, residents=38)
    grade(yihe, 2, on=days_ago(515))
    grade(yihe, 1, on=days_ago(150))
    inspect(yihe, on=days_ago(70), fail=["F3", "F4"])
    blacklist(yihe, decided_on=days_ago(40))

    small = {"offers_ten_services": False, "beds": 12, "residents": 8}
    for name, kind, checklists, ago, township in (
        ("东秀庄村农村老年人日间照料中心", FacilityType.MUTUAL_AID, ["service_safety"], 80, first),
        ("城北日间照料中心", FacilityType.DAY_CARE, ["fire_safety"], 10, first),
        ("城南日间照料中心", FacilityType.DAY_CARE, ["fire_safety"], 200, first),
        ("小河头村农村老年人日间照料中心", FacilityType.MUTUAL_AID, ["fire_safety"], 30, second),
        ("李家坪村农村老年人日间照料中心", FacilityType.MUTUAL_AID, ["fire_safety"], 300, first),
        ("康乐养老院", FacilityType.PRIVATE_HOME, ["fire_safety"], 90, first),
        ("前所乡安置点日间照料站", FacilityType.RESETTLEMENT, ["fire_safety"], 45, first),
        ("胡会乡移民集中安置点日间照料中心", FacilityType.RESETTLEMENT, ["service_safety"], 150, first),
        ("孙家坪村农村老年人日间照料中心", FacilityType.MUTUAL_AID, ["fire_safety"], 20, first),
        ("新华社区日间照料中心", FacilityType.DAY_CARE, ["service_safety"], 5, first),
    ):
        inspect(home(name, type=kind, region_id=township.id, **small), checklists, on=days_ago(ago))

    neighbour = make_county("邻县", townships=1, departments=["mz"])
    make_facility(neighbour, name="邻县敬老院")
    make_reviewer(neighbour, username="other_reviewer")
