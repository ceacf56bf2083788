"""`flask audit …`: check the audit log's hash chain from the shell."""

import sys

import click
from flask.cli import AppGroup

from inspection.services.audit import verify_chain


@click.group(cls=AppGroup)
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def verify() -> None:
    """Walk the hash chain from the first entry; name the first entry that does not match (exit code 1), or print
    how many entries were verified."""
    state = verify_chain()
    if state.intact:
        click.echo(f"OK: {state.verified} audit entries verified, the chain is intact")
        return
    click.echo(
        f"BROKEN at audit entry {state.broken_at}: {state.reason} ({state.verified} entries before it verified)",
        err=True,
    )
    sys.exit(1)
