"""Hazard follow-up: the operator's rectification evidence, a deadline change, and the re-inspection (复查)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms import WebForm
from forms.common import SentOnce
from inspection.services.hazards import MAX_EVIDENCE_PHOTOS

#: What a phone shows for a photo input: the camera first, several pictures allowed.
PHOTO_INPUT = {"accept": "image/*", "capture": "environment"}


def _chosen(field: MultipleFileField) -> list[Any]:
    """Return the files chosen in `field` (an empty file input still sends one nameless part)."""
    return [item for item in field.data or [] if getattr(item, "filename", "")]


def uploaded_bytes(field: MultipleFileField) -> list[bytes]:
    """Return the contents of the files chosen in `field`."""
    return [item.read() for item in _chosen(field)]


def _at_most_photos(form: WebForm, field: MultipleFileField) -> None:
    if len(_chosen(field)) > MAX_EVIDENCE_PHOTOS:
        raise ValidationError(_l("每次最多上传 %(n)s 张照片", n=MAX_EVIDENCE_PHOTOS))


class EvidenceForm(WebForm):
    """The operator reports a rectification of one hazard; the view gives each hazard its own `prefix`."""

    note = TextAreaField(
        _l("整改说明"),
        validators=[Length(max=2000)],
        description=_l("写明做了什么、在哪里，例如：已清理二楼疏散通道堆放的杂物。"),
        render_kw={"rows": 3},
    )
    photos = MultipleFileField(
        _l("整改后照片"),
        validators=[_at_most_photos],
        description=_l("最多 %(n)s 张，可直接拍照", n=MAX_EVIDENCE_PHOTOS),
        render_kw=PHOTO_INPUT,
    )
    submit = SubmitField(_l("提交整改材料"))

    def validate_note(self, field: TextAreaField) -> None:
        if not (field.data or "").strip() and not _chosen(self.photos):
            raise ValidationError(_l("请填写整改说明或上传整改照片"))


class DeadlineForm(WebForm):
    """An inspector of the responsible department changes a deadline, with a reason."""

    deadline = DateField(_l("新的整改期限"), validators=[InputRequired(_l("请选择日期"))])
    reason = TextAreaField(
        _l("修改理由"),
        validators=[DataRequired(_l("修改整改期限须填写理由")), Length(max=500)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("保存新期限"))


ACCEPT, REJECT = "accept", "reject"


@dataclass(frozen=True, slots=True)
class ReinspectionEntry:
    """What the inspector decided for one hazard, read from the form."""

    hazard_id: int
    accepted: bool
    note: str
    new_deadline: date | None
    photos: list[bytes]


class ReinspectionForm(SentOnce, WebForm):
    """A re-inspection of a facility's open hazards; `build_reinspection_form` adds the fields of each hazard."""

    reinspected_on = DateField(_l("复查日期"), validators=[InputRequired(_l("请选择日期"))], default=date.today)
    on_site = BooleanField(
        _l("现场复查"),
        default=True,
        description=_l("重大事故隐患只能经现场复查销号；书面复查（只看整改材料）不能关闭重大事故隐患。"),
    )
    submit = SubmitField(_l("提交复查结论并出具复查意见书"))

    hazard_ids: Sequence[int] = ()

    def fields_of(self, hazard_id: int) -> tuple[Any, Any, Any, Any]:
        """Return the decision, note, new-deadline and photo fields of one hazard."""
        return (
            self[f"decision_{hazard_id}"],
            self[f"note_{hazard_id}"],
            self[f"deadline_{hazard_id}"],
            self[f"photos_{hazard_id}"],
        )

    def validate_reinspected_on(self, field: DateField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("复查日期不能晚于今天"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check each hazard's fields: a rejection needs a reason and a later deadline; at least one decision."""
        ok = super().validate(extra_validators)
        decided = 0
        for hazard_id in self.hazard_ids:
            decision, note, deadline, _photos = self.fields_of(hazard_id)
            decided += bool(decision.data)
            if decision.data == REJECT:
                if not (note.data or "").strip():
                    note.errors = [*note.errors, _l("未通过复查须说明理由")]
                    ok = False
                on = self.reinspected_on.data
                if deadline.data is None or (on is not None and deadline.data <= on):
                    deadline.errors = [*deadline.errors, _l("请给出晚于复查日期的新整改期限")]
                    ok = False
        if ok and not decided:
            self.submit.errors = [_l("请至少对一项隐患作出复查结论")]
            ok = False
        return ok

    def entries(self) -> list[ReinspectionEntry]:
        """Return the decided hazards in page order, with their after-photos."""
        entries = []
        for hazard_id in self.hazard_ids:
            decision, note, deadline, photos = self.fields_of(hazard_id)
            if not decision.data:
                continue
            accepted = decision.data == ACCEPT
            entries.append(
                ReinspectionEntry(
                    hazard_id,
                    accepted,
                    (note.data or "").strip(),
                    None if accepted else deadline.data,
                    uploaded_bytes(photos),
                )
            )
        return entries


def build_reinspection_form(hazard_ids: Sequence[int]) -> type[ReinspectionForm]:
    """Return a ReinspectionForm subclass with a decision, note, new deadline and photos field per hazard."""

    class Form(ReinspectionForm):
        pass

    Form.hazard_ids = tuple(hazard_ids)
    Form.shown = HiddenField(default=",".join(map(str, hazard_ids)))  # what the inspector decided on
    for hazard_id in hazard_ids:
        setattr(
            Form,
            f"decision_{hazard_id}",
            RadioField(
                _l("复查结论"),
                choices=[
                    SelectChoice("", _l("本次不复查")),
                    SelectChoice(ACCEPT, _l("已整改，销号")),
                    SelectChoice(REJECT, _l("未整改到位")),
                ],
                default="",
                validators=[Optional()],
            ),
        )
        setattr(
            Form,
            f"note_{hazard_id}",
            TextAreaField(_l("复查意见"), validators=[Length(max=2000)], render_kw={"rows": 2}),
        )
        setattr(
            Form,
            f"deadline_{hazard_id}",
            DateField(
                _l("新的整改期限（未整改到位时）"),
                validators=[Optional()],
            ),
        )
        setattr(
            Form,
            f"photos_{hazard_id}",
            MultipleFileField(_l("复查照片"), validators=[_at_most_photos], render_kw=PHOTO_INPUT),
        )
    return Form
