"""`flask checklists …`: validate and import checklist files."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from inspection.checklists import ChecklistError, validate_paths
from inspection.checklists.loader import DATA_DIR
from inspection.extensions import db
from inspection.services import Actor
from inspection.services.checklists import import_checklist, import_shipped_checklists

CLI_ACTOR = Actor(None, "cli")


@click.group(cls=AppGroup)
def checklists() -> None:
    """Checklist files."""


@checklists.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Validate checklist files or folders (default: the shipped ones); exit 1 naming each problem."""
    errors = validate_paths(paths or (DATA_DIR,))
    for error in errors:
        click.echo(error, err=True)
    if errors:
        sys.exit(1)
    click.echo("OK: all checklist files are valid")


@checklists.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(paths: tuple[Path, ...]) -> None:
    """Import checklist files as new versions (default: the shipped ones); unchanged files create none."""
    try:
        if paths:
            results = [import_checklist(p.read_text(encoding="utf-8"), p.name, CLI_ACTOR) for p in paths]
        else:
            results = import_shipped_checklists(CLI_ACTOR)
    except ChecklistError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    db.session.commit()
    for row, created in results:
        click.echo(f"{row.code} v{row.version}: {'imported' if created else 'unchanged'}")
