"""What a department's notices say (DOMAIN §15.3): title, 复议机关, the basis of its inspections, the power under which
it orders correction, and the consequence of not complying. Pure: no Flask, no database.

The defaults per kind of department cite only what DOMAIN.md supports; every one of them is configuration an
administrator edits (admin pages). 卫健 and 住建 have no verified power in DOMAIN.md, so their texts start empty and
their notices print the order without a basis until an administrator fills it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Final

from inspection.i18n import N_, Message

#: The titles a department's rectification notice may carry (DOMAIN §7.3).
NOTICE_TITLES: Final = ("整改通知书", "责令限期改正通知书")

#: Statutory periods of the remedies (行政复议法 第20条: 60 days; 行政诉讼法 第46条: 6 months) [V].
REVIEW_PERIOD: Final = "六十日"
LITIGATION_PERIOD: Final = "六个月"

#: The 机关代字 of a 文号: a few Chinese characters, no digits, brackets, 号 or spaces (GB/T 9704 §7.2.4).
_DOC_CODE_RE: Final = re.compile(r"^[\u4e00-\u9fff]{1,4}$")


@dataclass(frozen=True)
class NoticeSettings:
    """One department's notice settings; field names match the `Department` columns."""

    short_code: str  #: 机关代字 in the 文号, e.g. 民
    notice_title: str
    review_body: str  #: 复议机关
    inspection_basis: str
    order_basis: str
    consequence: str
    consequence_basis: str


SETTING_NAMES: Final = tuple(f.name for f in fields(NoticeSettings))

_CIVIL_AFFAIRS = {
    "notice_title": "整改通知书",
    # 养老机构管理办法 第38条 is read from a secondary reprint [S].
    "inspection_basis": "《养老机构管理办法》（民政部令第66号）第三十八条",
    "order_basis": "《中华人民共和国老年人权益保障法》第四十五条第一款第（四）项",
    "consequence": "逾期不改正的，由民政部门依法责令停业整顿。",
    "consequence_basis": "《中华人民共和国老年人权益保障法》第四十五条第一款第（四）项",
}
_FIRE_RESCUE = {
    "notice_title": "责令限期改正通知书",
    "inspection_basis": "《中华人民共和国消防法》第五十三条",
    "order_basis": "《中华人民共和国消防法》第五十四条、第六十条、第六十七条",
    "consequence": (
        "逾期不改正的，由消防救援机构依法处罚；火灾隐患不及时消除、严重威胁公共安全的，"
        "消防救援机构可以依法对危险部位或者场所予以临时查封。"
    ),
    "consequence_basis": "《中华人民共和国消防法》第五十四条、第六十条、第六十七条",
}
_MARKET_REGULATION = {
    "notice_title": "整改通知书",
    "inspection_basis": "《食品生产经营监督检查管理办法》（国家市场监督管理总局令第49号）",
    "order_basis": (
        "《食品生产经营监督检查管理办法》（国家市场监督管理总局令第49号）第三十三条、"
        "《中华人民共和国食品安全法》第一百二十六条"
    ),
    "consequence": "逾期不改正的，由市场监督管理部门依照《中华人民共和国食品安全法》给予警告、罚款等处理。",
    "consequence_basis": "《中华人民共和国食品安全法》第一百二十六条",
}
_UNVERIFIED = {
    "notice_title": "整改通知书",
    "inspection_basis": "",
    "order_basis": "",
    "consequence": "",
    "consequence_basis": "",
}
_BY_CODE: Final = {"mz": _CIVIL_AFFAIRS, "xf": _FIRE_RESCUE, "sc": _MARKET_REGULATION}


def default_settings(code: str, short_code: str, county_name: str) -> NoticeSettings:
    """Return the default notice settings of a department of kind `code` (mz, xf, sc, wj, zj) in `county_name`.

    The 复议机关 of a county's 工作部门 is the county people's government (行政复议法 第24条(一)) [V]; for a
    县消防救援大队 it is unverified [U] and the same default stands until an administrator says otherwise.
    """
    return NoticeSettings(
        short_code=short_code, review_body=f"{county_name}人民政府", **_BY_CODE.get(code, _UNVERIFIED)
    )


def settings_problems(settings: NoticeSettings) -> dict[str, str]:
    """Return what is wrong with `settings`, by field name, as messages for the form (empty when they are fine)."""
    problems = {}
    if not _DOC_CODE_RE.match(settings.short_code):
        problems["short_code"] = N_("机关代字须为1至4个汉字，不含数字、括号或“号”，如“民”")
    if settings.notice_title not in NOTICE_TITLES:
        problems["notice_title"] = Message(N_("文书名称须为%(titles)s"), titles="或".join(NOTICE_TITLES))
    if not settings.review_body.strip():
        problems["review_body"] = N_("请填写复议机关，如五寨县人民政府（行政复议法第二十四条）")
    for name in ("inspection_basis", "order_basis", "consequence_basis"):
        text = getattr(settings, name)
        if text and "《" not in text:
            problems[name] = N_("请写明法律文件名称（加书名号）及条款，如《中华人民共和国消防法》第五十三条")
    if bool(settings.consequence.strip()) != bool(settings.consequence_basis.strip()):
        problems["consequence_basis"] = N_("逾期后果与其依据须同时填写或同时留空")
    return problems


def remedy_sentence(review_bodies: tuple[str, ...], document: str = "通知书") -> str:
    """Return the remedies sentence of DOMAIN §15.3 naming the 复议机关 (several, joined, on a joint notice) and the
    kind of document (通知书, or 复查意见书 for a re-inspection opinion)."""
    bodies = "或".join(dict.fromkeys(body for body in review_bodies if body)) or "有管辖权的行政复议机关"
    return (
        f"如不服本{document}，可以自收到之日起{REVIEW_PERIOD}内向{bodies}申请行政复议，"
        f"或者自收到之日起{LITIGATION_PERIOD}内依法向有管辖权的人民法院提起行政诉讼。"
    )
