"""Alembic environment: the engine and metadata come from the Flask-SQLAlchemy extension."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's own loggers working when migrations run inside it (tests, CLI).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline() -> None:
    """Emit SQL for the migrations without a database connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the application's database."""

    def skip_empty_autogenerate(context, revision, directives):  # no empty revision files
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild a SQLite table (copy, drop, rename); with foreign keys enforced, dropping a
            # table that other rows reference fails. Alembic's advice: switch enforcement off (outside any
            # transaction, where the pragma has effect) and check the references once the migrations are done.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        migration = context.get_context()
        before = set(migration.get_current_heads())
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migrations left rows with broken references: {broken[:10]}")
        if before != set(migration.get_current_heads()) == set(context.script.get_heads()):
            # Stored derived data (the league table's keys) is computed by today's code, so only once the schema
            # is the one today's code was written for: never inside a migration.
            from sqlalchemy.orm import Session

            from inspection.services.rankings.query import safety_kinds
            from inspection.services.rankings.stored import rebuild

            with Session(bind=connection) as reader:  # the app's session is not on this connection
                kinds = safety_kinds(reader)
            rebuild(connection, kinds)
            connection.commit()
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
