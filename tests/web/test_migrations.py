import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from inspection.extensions import db
from tests.conftest import CONCURRENCY_BACKENDS, own_database


def test_the_migrated_schema_matches_the_models(app):
    """The test database was built by `upgrade()` alone; autogenerate must find nothing to add."""
    diff = compare_metadata(MigrationContext.configure(db.session.connection()), db.metadata)
    assert diff == []


#: The region written at the first revision that every later step must keep.
REGION = "往返县"


@pytest.mark.parametrize("backend", CONCURRENCY_BACKENDS)
def test_migrations_go_down_step_by_step_and_up_again_keeping_a_row(backend, tmp_path_factory):
    """From head one revision at a time down to the first, a region written at the first revision is still there;
    up again it still is; from base, up again, the schema matches the models. Issue 12."""
    with own_database("round_trip", tmp_path_factory, backend) as app, app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        revisions = [revision.revision for revision in script.walk_revisions()]  # head first
        first = revisions[-1]
        downgrade(revision="base")
        upgrade(revision=first)
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO regions (name, short_name, level, path, is_demo)"
                    " VALUES (:name, '往', 'county', '/1/', false)"
                ),
                {"name": REGION},
            )
        upgrade()
        for expected in revisions[1:]:
            downgrade(revision="-1")
            assert current_revision() == expected
            assert regions() == [REGION], f"after going down to {expected}"
        upgrade()
        assert current_revision() == revisions[0]
        assert regions() == [REGION]
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def regions() -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT name FROM regions")).scalars())


@pytest.mark.parametrize("backend", CONCURRENCY_BACKENDS)
def test_a_database_with_answered_inspections_goes_down_and_up_again(backend, tmp_path_factory):
    """SQLite rebuilds a table to change it; a table other rows reference (an inspection's checklists, which its
    answers and hazards point to) could not be rebuilt while foreign keys were enforced during migrations."""
    from inspection.services.checklists import import_shipped_checklists
    from tests.conftest import SETUP_ACTOR
    from tests.factories import BASE_COUNTY, inspect, make_county, make_facility

    with own_database("filled_round_trip", tmp_path_factory, backend) as app, app.app_context():
        import_shipped_checklists(SETUP_ACTOR)
        county = make_county(BASE_COUNTY, townships=1, short="往")
        inspect(make_facility(county), fail=["F2"])
        db.session.commit()
        db.session.remove()
        answers = count("answers")
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        head = script.get_current_head()
        downgrade(revision="6cc53432558b")  # the head before this session's revisions
        assert count("answers") == answers
        upgrade()
        assert current_revision() == head and count("answers") == answers


def count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
