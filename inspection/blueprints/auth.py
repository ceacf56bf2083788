"""Login, logout and the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from forms.auth import LoginForm
from forms.common import ConfirmForm, LocaleForm
from inspection.blueprints import unit_of_work
from inspection.security import begin_session, current_actor
from inspection.services.users import authenticate, log_out, remember_locale

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work(flash_error=False) as outcome:
            user = authenticate(
                form.username.data.strip(),
                form.password.data,
                request.remote_addr or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window_minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"],
            )
        if not outcome.ok:
            form.password.errors.append(outcome.message)
            return render_template("auth/login.html", form=form), outcome.error.status
        begin_session(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        with unit_of_work():
            log_out(current_actor())
        locale = current_user.locale
        logout_user()
        session.clear()
        session["locale"] = locale  # the person who logged out goes on reading their language on this device
        flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale():
    form = LocaleForm()
    if form.validate_on_submit() and form.locale.data in current_app.config["LANGUAGES"]:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            with unit_of_work():
                remember_locale(current_user, form.locale.data)
    return redirect(_safe_next(form.next.data))


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the home page."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")
