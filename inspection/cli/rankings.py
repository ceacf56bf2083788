"""`flask rankings …`: check the league table's stored keys against a recomputation, or recompute them."""

import sys

import click
from flask.cli import AppGroup

from inspection.extensions import db
from inspection.services.rankings import stored

#: Drifted facilities named in full; the rest are counted.
SHOWN = 20


@click.group(cls=AppGroup)
def rankings() -> None:
    """The league table's stored keys."""


@rankings.command("check")
def check() -> None:
    """Recompute every facility's keys and name each facility whose stored keys differ (exit code 1)."""
    drifted = stored.drift()
    for found in drifted[:SHOWN]:
        columns = ", ".join(f"{c} stored {have!r}, computed {want!r}" for c, (have, want) in found.differences.items())
        click.echo(f"DRIFT: facility {found.facility_id}: {columns}", err=True)
    if drifted:
        more = f" ({len(drifted) - SHOWN} more not shown)" if len(drifted) > SHOWN else ""
        click.echo(f"{len(drifted)} facilities drifted{more}; `flask rankings rebuild` recomputes them", err=True)
        sys.exit(1)
    click.echo("OK: every facility's stored ranking keys equal a recomputation")


@rankings.command("rebuild")
def rebuild() -> None:
    """Recompute and store every facility's keys (after data was changed past the application, e.g. in bulk)."""
    count = stored.rebuild()
    db.session.commit()
    click.echo(f"OK: ranking keys of {count} facilities recomputed")
