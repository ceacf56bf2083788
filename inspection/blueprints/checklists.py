"""Administration of checklists: versions, a phone preview, differences between versions, import."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from forms.checklists import ChecklistImportForm
from inspection.checklists import DEPARTMENT_NAMES, ITEM_CLASS_LABELS, ChecklistError
from inspection.checklists.diff import diff_checklists
from inspection.extensions import db
from inspection.models import ChecklistVersion, Role
from inspection.security import current_actor, refuse, role_required
from inspection.services.checklists import checklist_of, import_checklist, latest_versions

bp = Blueprint("checklists", __name__)

MAX_CHECKLIST_BYTES = 512 * 1024


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    return _index(ChecklistImportForm())


@bp.post("/import")
@role_required(Role.ADMIN)
def import_file():
    form = ChecklistImportForm()
    if not form.validate_on_submit():
        return _index(form, status=400)
    upload = form.file.data
    raw = upload.read(MAX_CHECKLIST_BYTES + 1)
    try:
        if len(raw) > MAX_CHECKLIST_BYTES:
            raise ValueError(_("文件过大（上限 512 KB）"))
        text = raw.decode("utf-8")
        row, created = import_checklist(text, upload.filename or "upload.toml", current_actor())
    except ChecklistError as error:
        db.session.rollback()
        return _index(form, errors=[str(problem) for problem in error.problems], status=400)
    except (UnicodeDecodeError, ValueError) as error:
        db.session.rollback()
        message = _("文件不是 UTF-8 文本") if isinstance(error, UnicodeDecodeError) else str(error)
        return _index(form, errors=[message], status=400)
    db.session.commit()
    if created:
        flash(_("已导入 %(title)s 第 %(v)s 版", title=row.title, v=row.version), "success")
    else:
        flash(_("内容与第 %(v)s 版相同，未创建新版本", v=row.version), "info")
    return redirect(url_for("checklists.versions", code=row.code))


@bp.route("/<code>")
@role_required(Role.ADMIN)
def versions(code: str):
    rows = db.session.scalars(
        select(ChecklistVersion).where(ChecklistVersion.code == code).order_by(ChecklistVersion.version.desc())
    ).all()
    if not rows:
        refuse(404, f"no checklist {code}")
    return render_template("checklists/versions.html", code=code, rows=rows)


@bp.route("/<code>/v<int:version>")
@role_required(Role.ADMIN)
def preview(code: str, version: int):
    row = _version_or_404(code, version)
    return render_template(
        "checklists/preview.html",
        row=row,
        checklist=checklist_of(row),
        class_labels=ITEM_CLASS_LABELS,
        dept_names=DEPARTMENT_NAMES,
    )


@bp.route("/<code>/diff")
@role_required(Role.ADMIN)
def diff(code: str):
    old = _version_or_404(code, request.args.get("a", type=int) or 0)
    new = _version_or_404(code, request.args.get("b", type=int) or 0)
    changes = diff_checklists(checklist_of(old), checklist_of(new))
    return render_template("checklists/diff.html", code=code, old=old, new=new, changes=changes)


def _index(form: ChecklistImportForm, errors: list[str] | None = None, status: int = 200):
    counts = dict(db.session.execute(select(ChecklistVersion.code, func.count()).group_by(ChecklistVersion.code)).all())
    return render_template(
        "checklists/index.html", rows=latest_versions(), counts=counts, form=form, errors=errors or []
    ), status


def _version_or_404(code: str, version: int) -> ChecklistVersion:
    row = db.session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.code == code, ChecklistVersion.version == version)
    )
    if row is None:
        refuse(404, f"no checklist {code} v{version}")
    return row
