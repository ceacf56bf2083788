import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from inspection.extensions import db
from tests.conftest import make_test_app


def test_the_migrated_schema_matches_the_models(app):
    """The test database was built by `upgrade()` alone; autogenerate must find nothing to add."""
    diff = compare_metadata(MigrationContext.configure(db.session.connection()), db.metadata)
    assert diff == []


def test_migrations_upgrade_an_empty_sqlite_file_and_downgrade_again(tmp_path):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.sqlite")
    with app.app_context():
        upgrade()
        assert {"facilities", "users", "audit_events", "regions", "departments"} <= set(
            sa.inspect(db.engine).get_table_names()
        )
        downgrade(revision="base")
        assert "facilities" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
