"""CareInspect: joint inspection and grading of elderly-care facilities."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from inspection.config import load_config
from inspection.extensions import babel, compress, csrf, db, login_manager, migrate
from inspection.i18n import N_
from inspection.request_limits import init_request_limits

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the application.

    :param test_config: settings applied last, for tests.
    :param instance_path: folder of the local config, database and uploads; defaults to ./instance.
    """
    app = Flask(
        "inspection",
        instance_path=instance_path or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    load_config(app, test_config)
    if trusted := int(app.config["TRUSTED_PROXIES"]):
        # The client's address and scheme as the trusted proxies report them (throttling and the audit log key on
        # the address); headers a client wrote itself, left of theirs, are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)
    from inspection.services.checklists import shipped

    shipped()  # refuse to start with an invalid shipped checklist; the error names file, section, item, field
    from inspection.services.annual_plan import coverage_rules

    coverage_rules()  # likewise the annual plan's coverage rules: file, rule and field
    from inspection.services.campaign import campaign_rules

    campaign_rules(app.config["GRADING_PROVINCE"])  # likewise the province's grading-campaign rules
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_extensions(app)
    init_request_limits(app)
    _register_blueprints(app)
    from inspection.cli import register_cli
    from inspection.security import init_security
    from inspection.templating import init_templating

    register_cli(app)
    init_security(app)
    init_templating(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    # Registered after Flask-Compress, so it runs before it (Flask runs after_request hooks last-in, first-out).
    app.after_request(_buffer_static_files)
    babel.init_app(
        app, locale_selector=_select_locale, default_translation_directories=str(Path(__file__).parent / "translations")
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.localize_callback = gettext  # the message in the reader's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from inspection.security import session_user

    login_manager.user_loader(session_user)


def _register_blueprints(app: Flask) -> None:
    from inspection.blueprints import (
        admin,
        api,
        auth,
        briefing,
        checklists,
        credit,
        errors,
        facilities,
        fieldform,
        grading,
        hazards,
        inspections,
        main,
        notices,
        plan,
        public,
        rankings,
        self_inspections,
    )

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(facilities.bp, url_prefix="/facilities")
    app.register_blueprint(fieldform.bp)
    app.register_blueprint(inspections.bp, url_prefix="/inspections")
    app.register_blueprint(notices.bp)
    app.register_blueprint(hazards.bp, url_prefix="/hazards")
    app.register_blueprint(credit.bp, url_prefix="/credit")
    app.register_blueprint(rankings.bp, url_prefix="/rankings")
    app.register_blueprint(plan.bp, url_prefix="/plan")
    app.register_blueprint(self_inspections.bp, url_prefix="/self-inspections")
    app.register_blueprint(briefing.bp, url_prefix="/briefing")
    app.register_blueprint(grading.bp, url_prefix="/grading")
    app.register_blueprint(public.bp, url_prefix="/public")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(checklists.bp, url_prefix="/admin/checklists")
    csrf.exempt(api.bp)  # bearer tokens, not cookies; the one cookie-based route checks CSRF itself
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    errors.register_error_handlers(app)


def _select_locale() -> str:
    """Pick the UI language: the user's setting (an API request's token user's), then the session's choice, then
    Chinese."""
    if api_user := g.get("api_user"):
        return api_user.locale
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return session.get("locale") or "zh_CN"


def _buffer_static_files(response: Response) -> Response:
    """Read a (small) static file into its response: Flask-Compress skips streamed files, and the phone form's
    scripts and styles should travel compressed."""
    if request.endpoint == "static" and response.status_code == 200:
        response.direct_passthrough = False
        response.get_data()
    return response


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Give SQLite real transactions (for SAVEPOINT) and enforced foreign keys."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if any(row[2] for row in cursor.execute("PRAGMA database_list")):  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_WRITE_WAIT_MS}")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        # A request that may write takes SQLite's write lock at its first statement and so waits its turn: with a
        # deferred BEGIN, its first write after another request's commit is refused ("database is locked").
        writes = has_request_context() and request.method not in SAFE_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


#: How long a request waits for SQLite's write lock (held by one writing request at a time, e.g. one issuing
#: notices with their PDFs) before it fails with "database is locked".
SQLITE_WRITE_WAIT_MS = 15_000
#: HTTP methods that do not change data; their requests read SQLite without taking its write lock.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
