"""Item-by-item difference between two versions of a checklist (pure: no Flask)."""

from dataclasses import dataclass
from enum import StrEnum

from inspection.checklists.schema import Checklist, Item
from inspection.i18n import N_

#: Item fields compared, with their labels (translated where they are shown).
COMPARED_FIELDS = {
    "text": N_("检查内容"),
    "method": N_("检查方法"),
    "basis": N_("依据"),
    "item_class": N_("类别"),
    "points": N_("分值"),
    "na_allowed": N_("允许合理缺项"),
    "na_when": N_("自动缺项条件"),
    "photo_on_fail": N_("不合格须拍照"),
    "major_hazards": N_("重大隐患判定条目"),
    "canned_notes": N_("常用问题描述"),
    "requirement": N_("整改要求"),
    "verified": N_("已核实"),
}


class ChangeKind(StrEnum):
    """How an item differs between the two versions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one item, before and after."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item that was added, removed or changed (with its changed fields, and its section if it moved)."""

    item_code: str
    kind: ChangeKind
    section: str
    fields: tuple[FieldChange, ...] = ()


def diff_checklists(old: Checklist, new: Checklist) -> list[ItemChange]:
    """Return the item changes from `old` to `new`, in the new version's order, removed items last."""
    old_items = {item.code: (section.title, item) for section in old.sections for item in section.items}
    changes: list[ItemChange] = []
    for section in new.sections:
        for item in section.items:
            if item.code not in old_items:
                changes.append(ItemChange(item.code, ChangeKind.ADDED, section.title))
                continue
            old_section, old_item = old_items.pop(item.code)
            fields = _field_changes(old_item, item)
            if old_section != section.title:
                fields = (FieldChange("section", N_("所属部分"), old_section, section.title), *fields)
            if fields:
                changes.append(ItemChange(item.code, ChangeKind.CHANGED, section.title, fields))
    changes.extend(ItemChange(code, ChangeKind.REMOVED, title) for code, (title, _) in old_items.items())
    return changes


def _field_changes(old: Item, new: Item) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, label, _show(getattr(old, name)), _show(getattr(new, name)))
        for name, label in COMPARED_FIELDS.items()
        if getattr(old, name) != getattr(new, name)
    )


def _show(value: object) -> str:
    if isinstance(value, bool):
        return N_("是") if value else N_("否")
    if isinstance(value, tuple):
        return "、".join(map(str, value)) or "—"
    return str(value)
