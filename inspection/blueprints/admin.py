"""Administration: accounts, regions, departments and the audit log."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forms.admin import DepartmentForm, RegionForm
from forms.common import ConfirmForm
from forms.notice_settings import NoticeSettingsForm
from forms.users import UserForm
from inspection.blueprints import paginate, query_text, translated, unit_of_work
from inspection.extensions import db
from inspection.models import Department, Region, RegionLevel, Role, User
from inspection.permissions import can_view_region, can_view_user
from inspection.security import current_actor, refuse, role_required
from inspection.services import ServiceError
from inspection.services.audit import audit_log, iter_events, verify_chain
from inspection.services.exports import audit_csv
from inspection.services.notice_settings import update_notice_settings
from inspection.services.regions import create_department, create_region, departments_within, regions_within
from inspection.services.tokens import active_tokens, revoke_tokens
from inspection.services.users import create_user, find_users, linkable_facilities, set_password, update_user

bp = Blueprint("admin", __name__)

AUDIT_EXPORT_CHUNK = 1000


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    query = query_text("q")
    page = paginate(find_users(current_user, query))
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
        with unit_of_work() as outcome:
            user = _save_user(user, form)
        if outcome.ok:
            flash(_("已保存账户 %(name)s", name=user.username), "success")
            return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    tokens = active_tokens(user) if user else []
    return render_template("admin/user_form.html", form=form, user=user, tokens=tokens, confirm=ConfirmForm()), status


@bp.post("/users/<int:user_id>/tokens/revoke")
@role_required(Role.ADMIN)
def revoke_user_tokens(user_id: int):
    user = _get_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as outcome:
            revoked = revoke_tokens(user, current_actor())
        if outcome.ok:
            flash(_("已撤销 %(n)s 个令牌", n=revoked), "success")
    return redirect(url_for("admin.user_form", user_id=user_id))


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
        with unit_of_work() as outcome:
            _add_region_or_department(form)
        if outcome.ok:
            flash(_("已保存。"), "success")
            return redirect(url_for("admin.regions"))
    # by region, then code (departments_within orders by code; the sort is stable)
    departments = sorted(departments_within(current_user), key=lambda department: department.region_id)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/regions.html",
        regions=regions,
        departments=departments,
        region_form=region_form,
        department_form=department_form,
    ), status


@bp.route("/departments/<int:department_id>/notices", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def department_notices(department_id: int):
    """What the department's notices say: title, 机关代字, 复议机关, bases and consequence (DOMAIN §15.3)."""
    department = db.session.get(Department, department_id)
    if department is None or not can_view_region(current_user, department.region):
        refuse(404, f"department {department_id} not visible")
    form = NoticeSettingsForm(obj=department)
    if form.validate_on_submit():
        with unit_of_work(flash_error=False) as outcome:
            update_notice_settings(department, form.settings(), current_actor())
        if outcome.ok:
            flash(_("%(name)s的文书设置已保存；已发出的通知书不变。", name=department.name), "success")
            return redirect(url_for("admin.regions"))
        for name, message in outcome.error.fields.items():
            form[name].errors = [*form[name].errors, translated(message)]
        if not outcome.error.fields:
            flash(outcome.message, "error")
    status = 400 if request.method == "POST" else 200
    return render_template("admin/department_notices.html", department=department, form=form), status


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    action = query_text("action")
    page = paginate(audit_log(current_user, action), per_page=50)
    return render_template("admin/audit.html", page=page, action=action, chain=verify_chain())


@bp.route("/audit/export.csv")
@role_required(Role.ADMIN)
def audit_export():
    events = iter_events(audit_log(current_user, query_text("action")), chunk=AUDIT_EXPORT_CHUNK)
    headers = {"Content-Disposition": "attachment; filename=audit-log.csv"}
    return Response(stream_with_context(audit_csv(events)), mimetype="text/csv; charset=utf-8", headers=headers)


def _save_user(user: User | None, form: UserForm) -> User:
    """Create the account entered in `form` (`user` None) or change `user`'s.

    :raises ServiceError: a new account without a password, or what the account services refuse.
    """
    if user is None:
        if not form.password.data:
            raise ServiceError(_("新建账户必须设置密码"))
        return create_user(form.account_data(), form.password.data, current_actor())
    update_user(user, form.account_data(), current_actor())
    if form.password.data:
        set_password(user, form.password.data, current_actor())
    return user


def _add_region_or_department(form: RegionForm | DepartmentForm) -> None:
    """Add the region or the department entered in `form`, below or in a region the admin may see."""
    if isinstance(form, RegionForm):
        create_region(_visible_region(form.parent_id.data), form.name.data, form.short_name.data, current_actor())
    else:
        create_department(_visible_region(form.region_id.data), form.data, current_actor())


def _get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not can_view_user(current_user, user):
        refuse(404, f"user {user_id} not visible")
    return user


def _visible_region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None or not can_view_region(current_user, region):
        refuse(404, f"region {region_id} not visible")
    return region


def _user_choices() -> dict[str, list[tuple[int, str]]]:
    return {
        "regions": [(r.id, r.name) for r in regions_within(current_user)],
        "departments": [(d.id, d.name) for d in departments_within(current_user)],
        "facilities": [(f.id, f.name) for f in linkable_facilities(current_user)],
    }
