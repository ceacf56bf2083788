"""`flask facilities import FILE`: import the facility register from an Excel or CSV file, as the import page does."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from inspection.extensions import db
from inspection.services import Actor, ServiceError
from inspection.services.facility_import import ImportPlan, apply_plan, plan_import, record_command_line_import

CLI_ACTOR = Actor(None, "cli")


@click.group(cls=AppGroup)
def facilities() -> None:
    """The facility register."""


@facilities.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the import would do and every error; change nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Create or update register entries from FILE (.xlsx or .csv, the template's columns), matched by 统一社会信用代码.
    Nothing is imported while any row has an error (exit code 1)."""
    data = path.read_bytes()
    try:
        plan = plan_import(data, None)
    except ServiceError as error:
        click.echo(f"{path.name}: {error}", err=True)
        sys.exit(1)
    _print_plan(plan, path.name)
    if plan.errors:
        click.echo(f"{len(plan.errors)} error(s): nothing imported", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("dry run: nothing imported")
        return
    apply_plan(plan, CLI_ACTOR)
    record_command_line_import(plan, path.name, data, CLI_ACTOR)
    db.session.commit()
    click.echo(f"imported: {plan.count('create')} created, {plan.count('update')} updated")


def _print_plan(plan: ImportPlan, name: str) -> None:
    click.echo(f"{name} ({plan.encoding}): matched by 统一社会信用代码")
    for row in plan.rows:
        if row.action == "update":
            changed = ", ".join(f"{field}: {old} → {new}" for field, (old, new) in row.changes.items())
            click.echo(f"row {row.row}: update {row.uscc} {row.name or ''} ({changed})")
        elif row.action == "create":
            click.echo(f"row {row.row}: create {row.uscc} {row.name}")
    for letter, header in plan.ignored:
        click.echo(f"column {letter} ({header}): not a template column, ignored")
    for error in plan.errors:
        place = f"{error.column}{error.row} {error.header}" if error.column else f"row {error.row}"
        click.echo(f"{place}: {error.message}", err=True)
    click.echo(
        f"{plan.count('create')} to create, {plan.count('update')} to update, {plan.count('unchanged')} unchanged"
    )
