"""The demo county: 五寨县 (Wuzhai, Shanxi), its townships, departments, facilities and demo accounts.

The townships are the county's ten since 2021 (3镇7乡, DOMAIN §15.1: 梁家坪乡 and 新寨乡 were merged away). The
facilities the county plan names (清涟敬老院, 北苑敬老院, 韩家楼敬老院, the welfare centre, the 乡级移民集中安置点) keep
its names; village sites are called 农村老年人日间照料中心, the plan's word for them. Every other facility and village
name, attributes, codes, phone numbers and people are invented.
"""

from typing import Any

from inspection.models import FacilityType as T
from inspection.models import Ownership as O

DEMO_PASSWORD = "wuzhai-demo-2026"
PROVINCE, CITY, COUNTY, COUNTY_SHORT = "山西省", "忻州市", "五寨县", "五"
TOWNSHIPS = (
    "砚城镇", "小河头镇", "三岔镇", "前所乡", "李家坪乡",
    "孙家坪乡", "胡会乡", "韩家楼乡", "东秀庄乡", "杏岭子乡",
)  # fmt: skip

#: code, full name, kind, short character for document numbers.
DEPARTMENTS = (
    ("mz", "五寨县民政局", "民政", "民"),
    ("xf", "五寨县消防救援大队", "消防救援", "消"),
    ("sc", "五寨县市场监督管理局", "市场监管", "市"),
    ("wj", "五寨县卫生健康和体育局", "卫健", "卫"),
    ("zj", "五寨县住房和城乡建设管理局", "住建", "住"),
)

#: name, township, type, ownership, beds, residents, 失能, 半失能, canteen, medical unit, special equipment.
FACILITIES = (
    ("清涟敬老院", "砚城镇", T.NURSING_HOME, O.PUBLIC, 80, 52, 9, 14, True, False, False),
    ("北苑敬老院", "砚城镇", T.NURSING_HOME, O.PUBLIC, 60, 41, 6, 10, True, False, False),
    ("韩家楼敬老院", "韩家楼乡", T.NURSING_HOME, O.PUBLIC, 40, 23, 3, 6, True, False, False),
    ("五寨县社会福利中心", "砚城镇", T.WELFARE_CENTRE, O.PUBLIC, 150, 96, 21, 30, True, True, True),
    ("三岔镇敬老院", "三岔镇", T.NURSING_HOME, O.PUBLIC_PRIVATE, 50, 31, 4, 8, True, False, False),
    ("康宁老年公寓", "砚城镇", T.PRIVATE_HOME, O.PRIVATE, 120, 67, 15, 20, True, True, True),
    ("颐和养老院", "砚城镇", T.PRIVATE_HOME, O.PRIVATE, 70, 38, 8, 11, True, False, False),
    ("砚城镇城北社区日间照料中心", "砚城镇", T.DAY_CARE, O.PUBLIC_PRIVATE, 20, 12, 0, 3, True, False, False),
    ("砚城镇城南社区日间照料中心", "砚城镇", T.DAY_CARE, O.PUBLIC_PRIVATE, 20, 15, 0, 2, True, False, False),
    ("砚城镇新华社区日间照料中心", "砚城镇", T.DAY_CARE, O.PUBLIC, 15, 9, 0, 1, False, False, False),
    ("三岔镇移民集中安置点养老服务站", "三岔镇", T.RESETTLEMENT, O.PUBLIC, 30, 18, 2, 5, True, False, False),
    ("前所乡移民集中安置点日间照料站", "前所乡", T.RESETTLEMENT, O.PUBLIC, 16, 10, 0, 2, False, False, False),
    ("胡会乡移民集中安置点日间照料中心", "胡会乡", T.RESETTLEMENT, O.PUBLIC, 20, 13, 1, 3, True, False, False),
    ("小河头村农村老年人日间照料中心", "小河头镇", T.MUTUAL_AID, O.PUBLIC, 12, 8, 0, 1, True, False, False),
    ("李家坪村农村老年人日间照料中心", "李家坪乡", T.MUTUAL_AID, O.PUBLIC, 10, 7, 0, 1, False, False, False),
    ("孙家坪村农村老年人日间照料中心", "孙家坪乡", T.MUTUAL_AID, O.PUBLIC, 10, 6, 0, 0, False, False, False),
    ("杏岭子村农村老年人日间照料中心", "杏岭子乡", T.MUTUAL_AID, O.PUBLIC, 12, 9, 1, 1, True, False, False),
    ("东秀庄村农村老年人日间照料中心", "东秀庄乡", T.MUTUAL_AID, O.PUBLIC, 8, 5, 0, 1, False, False, False),
    ("前所村农村老年人日间照料中心", "前所乡", T.MUTUAL_AID, O.PUBLIC, 10, 6, 0, 1, False, False, False),
    ("韩家楼村农村老年人日间照料中心", "韩家楼乡", T.MUTUAL_AID, O.PUBLIC, 10, 7, 1, 0, True, False, False),
)

#: username, display name, role, department code, facility name.
ACCOUNTS = (
    ("admin", "系统管理员（演示）", "admin", None, None),
    ("reviewer", "民政审核员（演示）", "reviewer", "mz", None),
    ("mz1", "民政检查员一", "inspector", "mz", None),
    ("mz2", "民政检查员二", "inspector", "mz", None),
    ("xf1", "消防检查员一", "inspector", "xf", None),
    ("xf2", "消防检查员二", "inspector", "xf", None),
    ("sc1", "市场监管检查员一", "inspector", "sc", None),
    ("sc2", "市场监管检查员二", "inspector", "sc", None),
    ("wj1", "卫健检查员一", "inspector", "wj", None),
    ("wj2", "卫健检查员二", "inspector", "wj", None),
    ("zj1", "住建检查员一", "inspector", "zj", None),
    ("zj2", "住建检查员二", "inspector", "zj", None),
    ("operator", "清涟敬老院负责人（演示）", "operator", None, "清涟敬老院"),
    ("operator_beiyuan", "北苑敬老院负责人（演示）", "operator", None, "北苑敬老院"),
    ("operator_sancha", "三岔镇敬老院负责人（演示）", "operator", None, "三岔镇敬老院"),
    ("operator_kangning", "康宁老年公寓负责人（演示）", "operator", None, "康宁老年公寓"),
    ("assessor1", "评审专家一（演示）", "assessor", "mz", None),
    ("assessor2", "评审专家二（演示）", "assessor", "mz", None),
)


#: The demo county's story: grades over two years (oldest first) and the cases every page should show.
DEMO_PROFILES: dict[str, dict[str, Any]] = {
    "五寨县社会福利中心": {"gradings": [3, 4], "quality": 4, "routine_phase": 35, "grading_phase": 40},
    "康宁老年公寓": {"gradings": [3, 3], "quality": 3, "routine_phase": 45, "grading_phase": 75},
    "清涟敬老院": {"gradings": [2, 2], "quality": 2, "routine_phase": 25, "grading_phase": 100, "newest_open": True},
    "北苑敬老院": {"gradings": [3, 2], "quality": 2, "routine_phase": 60, "grading_phase": 120},
    "三岔镇敬老院": {"gradings": [1, 2], "quality": 2, "routine_phase": 50, "grading_phase": 6, "pending_review": True},
    "韩家楼敬老院": {
        "gradings": [2, "withheld"],
        "quality": 1,
        "routine_phase": 90,
        "grading_phase": 20,
        "open_major_days": 50,
    },
    "颐和养老院": {"gradings": [2, 1], "quality": 0, "routine_phase": 70, "grading_phase": 150, "newest_open": True},
}
#: The grading campaign (issue 14), all invented: the year each residential home opened (filed with civil affairs a
#: month later), the home penalised recently (days ago), and the applications: facility → (level applied for,
#: the reviewer's decision, its reason). 清涟敬老院 has not applied, so its operator sees the application form.
DEMO_OPENED = {
    "清涟敬老院": 2012, "北苑敬老院": 2014, "韩家楼敬老院": 2016, "五寨县社会福利中心": 2010,
    "三岔镇敬老院": 2015, "康宁老年公寓": 2018, "颐和养老院": 2019,
}  # fmt: skip
DEMO_PENALTY = ("三岔镇敬老院", 150)
DEMO_APPLICATIONS = {
    "北苑敬老院": (3, "accept", ""),
    "三岔镇敬老院": (2, "refuse", "近24个月内受到行政处罚（演示）"),
    "康宁老年公寓": (3, "accept", ""),
}
#: The on-site assessments (现场评审), today: facility → its team (usernames), and the 评定委员会's decision (members,
#: reasons) when it has met; 康宁老年公寓's team has yet to fill in the checklist (the assessors' phone form).
DEMO_ASSESSMENTS = {
    "北苑敬老院": (
        ("mz1", "assessor1", "assessor2"),
        (
            "评定委员甲（县民政局，演示）\n评定委员乙（外聘专家，演示）\n评定委员丙（外聘专家，演示）",
            "委员会审阅评审报告后按申请等级评定（演示）",
        ),
    ),
    "康宁老年公寓": (("mz2", "assessor1", "assessor2"), None),
}
#: An objection (异议) to a decision in 公示, from an invented member of the public with a made-up number:
#: facility → (name, contact, text).
DEMO_OBJECTION = {
    "北苑敬老院": (
        "赵晓明（演示）",
        "13800001234",
        "家中老人在该院入住，夜间只有一名护理员值班，呼叫后等了二十多分钟才有人来，与三级的评定不符，请核实（演示）。",
    )
}
#: Grades published with a certificate (公布): facility → (level, days ago the committee met, days ago published, the
#: publishing decision's 文号). 五寨县社会福利中心 from its latest grading; 颐和养老院's grade was carried over from
#: before the system (no assessment recorded here), has lapsed and its plaque is not back yet. All invented.
DEMO_CERTIFICATES = {
    "五寨县社会福利中心": (4, 30, 20, "五民发〔{year}〕41号"),
    "颐和养老院": (2, 1160, 1150, "五民发〔{year}〕17号"),
}
#: The demo facility on the credit blacklist, and how many days ago it was listed.
DEMO_BLACKLISTED = ("颐和养老院", 40)
