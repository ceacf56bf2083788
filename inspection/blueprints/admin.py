"""Administration: accounts, regions, departments and the audit log."""

import csv
import io
import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from forms.admin import DepartmentForm, RegionForm
from forms.users import UserForm
from inspection.extensions import db
from inspection.models import AuditEvent, Department, Facility, Region, RegionLevel, Role, User
from inspection.permissions import visible_facilities
from inspection.security import current_actor, refuse, role_required
from inspection.services import ServiceError
from inspection.services.regions import create_department, create_region, regions_within
from inspection.services.users import create_user, find_users, set_password, update_user

bp = Blueprint("admin", __name__)

AUDIT_EXPORT_CHUNK = 1000


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    page = db.paginate(
        find_users(current_user.region, query), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template("admin/users.html", page=page, q=query)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_form(user_id: int | None = None):
    user = _get_user_or_404(user_id) if user_id else None
    form = UserForm(obj=user, **_user_choices())
    if request.method == "GET" and user is not None:
        form.department_id.data = user.department_id or 0
        form.facility_id.data = user.facility_id or 0
    if form.validate_on_submit():
        try:
            if user is None:
                if not form.password.data:
                    raise ServiceError(_("新建账户必须设置密码"))
                user = create_user(form.account_data(), form.password.data, current_actor())
            else:
                update_user(user, form.account_data(), current_actor())
                if form.password.data:
                    set_password(user, form.password.data, current_actor())
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("admin/user_form.html", form=form, user=user), 400
        db.session.commit()
        flash(_("已保存账户 %(name)s", name=user.username), "success")
        return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/regions", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def regions():
    regions = regions_within(current_user)
    region_form = RegionForm(
        prefix="region", parents=[(r.id, r.name) for r in regions if r.level != RegionLevel.TOWNSHIP]
    )
    department_form = DepartmentForm(
        prefix="dept", regions=[(r.id, r.name) for r in regions if r.level != RegionLevel.TOWNSHIP]
    )
    form = region_form if "region-submit" in request.form else department_form
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form is region_form:
                create_region(
                    _visible_region(form.parent_id.data), form.name.data, form.short_name.data, current_actor()
                )
            else:
                create_department(_visible_region(form.region_id.data), form.data, current_actor())
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("admin.regions"))
    departments = db.session.scalars(
        select(Department)
        .join(Department.region)
        .where(Region.path.startswith(current_user.region.path))
        .order_by(Department.region_id, Department.code)
    ).all()
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/regions.html",
        regions=regions,
        departments=departments,
        region_form=region_form,
        department_form=department_form,
    ), status


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    action = request.args.get("action", "").strip()
    page = db.paginate(_audit_query(action), per_page=50, error_out=False)
    return render_template("admin/audit.html", page=page, action=action)


@bp.route("/audit/export.csv")
@role_required(Role.ADMIN)
def audit_export():
    query = _audit_query(request.args.get("action", "").strip())

    def generate():
        yield "\ufeff"  # so Excel reads UTF-8
        yield _csv_line(["时间(UTC)", "用户", "IP", "事件", "对象类型", "对象", "修改前", "修改后", "说明"])
        # Keyset chunks, each its own query: memory stays flat and no cursor outlives the request's session.
        last_id = None
        while True:
            chunk = (
                query.limit(AUDIT_EXPORT_CHUNK)
                if last_id is None
                else query.where(AuditEvent.id < last_id).limit(AUDIT_EXPORT_CHUNK)
            )
            events = db.session.scalars(chunk).all()
            if not events:
                return
            for e in events:
                yield _csv_line(
                    [
                        e.created_at.isoformat(sep=" ", timespec="seconds"),
                        e.actor_name,
                        e.ip,
                        e.action,
                        e.object_type,
                        e.object_id,
                        _json(e.before),
                        _json(e.after),
                        e.detail,
                    ]
                )
            last_id = events[-1].id
            db.session.expunge_all()

    headers = {"Content-Disposition": "attachment; filename=audit-log.csv"}
    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8", headers=headers)


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def _audit_query(action: str):
    # Events of no region (e.g. failed logins with unknown usernames) concern every admin.
    in_scope = or_(AuditEvent.region_path.startswith(current_user.region.path), AuditEvent.region_path == "/")
    stmt = select(AuditEvent).where(in_scope).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    return stmt


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not current_user.region.contains(user.region):
        refuse(404, f"user {user_id} not visible")
    return user


def _visible_region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None or not current_user.region.contains(region):
        refuse(404, f"region {region_id} not visible")
    return region


def _user_choices() -> dict[str, list[tuple[int, str]]]:
    regions = regions_within(current_user)
    departments = db.session.scalars(
        select(Department)
        .join(Department.region)
        .where(Region.path.startswith(current_user.region.path))
        .order_by(Department.code)
    )
    facilities = db.session.scalars(visible_facilities(current_user).order_by(Facility.name))
    return {
        "regions": [(r.id, r.name) for r in regions],
        "departments": [(d.id, d.name) for d in departments],
        "facilities": [(f.id, f.name) for f in facilities],
    }
