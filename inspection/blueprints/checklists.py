"""Administration of checklists: versions, a phone preview, differences between versions, import."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from forms.checklists import ChecklistImportForm
from inspection.blueprints import query_number, translated, unit_of_work
from inspection.checklists.diff import diff_checklists
from inspection.models import ChecklistVersion, Role
from inspection.security import current_actor, refuse, role_required
from inspection.services.checklists import (
    MAX_CHECKLIST_BYTES,
    ChecklistRejected,
    checklist_of,
    checklist_version,
    import_uploaded_checklist,
    latest_versions,
    version_counts,
    versions_of,
)

bp = Blueprint("checklists", __name__)


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
    with unit_of_work(flash_error=False) as outcome:
        data = upload.read(MAX_CHECKLIST_BYTES + 1)
        row, created = import_uploaded_checklist(data, upload.filename or "upload.toml", current_actor())
    if not outcome.ok:
        error = outcome.error
        problems = [_(p) for p in error.problems] if isinstance(error, ChecklistRejected) else [translated(error)]
        return _index(form, errors=problems, status=400)
    if created:
        flash(_("已导入 %(title)s 第 %(v)s 版", title=row.title, v=row.version), "success")
    else:
        flash(_("内容与第 %(v)s 版相同，未创建新版本", v=row.version), "info")
    return redirect(url_for("checklists.versions", code=row.code))


@bp.route("/<code>")
@role_required(Role.ADMIN)
def versions(code: str):
    rows = versions_of(code)
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
    )


@bp.route("/<code>/diff")
@role_required(Role.ADMIN)
def diff(code: str):
    old = _version_or_404(code, query_number("a", 0))
    new = _version_or_404(code, query_number("b", 0))
    changes = diff_checklists(checklist_of(old), checklist_of(new))
    return render_template("checklists/diff.html", code=code, old=old, new=new, changes=changes)


def _index(form: ChecklistImportForm, errors: list[str] | None = None, status: int = 200):
    return render_template(
        "checklists/index.html", rows=latest_versions(), counts=version_counts(), form=form, errors=errors or []
    ), status


def _version_or_404(code: str, version: int) -> ChecklistVersion:
    row = checklist_version(code, version)
    if row is None:
        refuse(404, f"no checklist {code} v{version}")
    return row
