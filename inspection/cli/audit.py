"""`flask audit …`: check the audit log's hash chain from the shell."""

import sys

import click
from flask.cli import AppGroup

from inspection.services.audit import verify_chain
from inspection.services.evidence import altered_evidence


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


@audit.command("verify-evidence")
def verify_evidence() -> None:
    """Hash every stored photo and signature image again and name each one that no longer matches the hash recorded
    when it arrived (exit code 1)."""
    altered = list(altered_evidence())
    for kind, record_id in altered:
        click.echo(f"ALTERED: {kind} {record_id}: the stored image does not match its recorded hash", err=True)
    if altered:
        sys.exit(1)
    click.echo("OK: every stored photo and signature image matches its recorded hash")
