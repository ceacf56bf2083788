"""`flask demo …`: demo data."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from inspection.demo import county
from inspection.demo.seed import seed_demo_county
from inspection.extensions import db
from inspection.models import User


@click.group(cls=AppGroup)
def demo() -> None:
    """Demo data."""


@demo.command("seed")
@click.option("--if-empty", is_flag=True, help="only when the database has no users yet")
def seed(if_empty: bool) -> None:
    """Create the demo county 五寨县 (idempotent)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("database not empty: demo seed skipped")
        return
    created = seed_demo_county()
    db.session.commit()
    click.echo("demo county: " + ", ".join(f"{n} {kind} created" for kind, n in created.items()))
    click.echo(f"demo logins (password {county.DEMO_PASSWORD}): " + " ".join(a[0] for a in county.ACCOUNTS))
