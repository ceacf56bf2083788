"""`flask export --since DATE`: the JSON Lines export for the provincial system, as GET /api/v1/export writes it."""

import sys

import click
from flask.cli import with_appcontext

from inspection.extensions import db
from inspection.orm import utcnow
from inspection.services import Actor
from inspection.services.audit import record_event
from inspection.services.provincial_export import SinceError, export_lines, next_since, parse_since

CLI_ACTOR = Actor(None, "cli")


@click.command("export")
@click.option(
    "--since", "since_text", default="", help="ISO date or time: records changed at or after it (default: all)."
)
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: stdout).")
@with_appcontext
def export(since_text: str, output) -> None:
    """Write facilities, inspections, hazards and notices changed since --since as JSON Lines (schema
    docs/export/careinspect-export.v1.schema.json); print on stderr the --since of the next run."""
    try:
        since = parse_since(since_text) if since_text else None
    except SinceError as error:
        click.echo(f"--since {since_text!r}: {error}", err=True)
        sys.exit(2)
    started = utcnow()
    record_event(CLI_ACTOR, "export.provincial", object_type="export", detail=f"since={since_text or '-'}")
    db.session.commit()
    count = 0
    for line in export_lines(None, since):
        output.write(line)
        count += 1
    click.echo(f"{count} records; next --since {next_since(started)}", err=True)
