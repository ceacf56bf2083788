"""`flask demo …`: demo data."""

import time

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from inspection.demo import county
from inspection.demo.generate import generate_dataset
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


@demo.command("generate")
@click.option("--facilities", type=click.IntRange(1, 1_000_000), default=100, show_default=True)
@click.option("--years", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option(
    "--seed", "random_seed", type=int, default=1, show_default=True, help="random seed (same seed, same data)"
)
def generate(facilities: int, years: int, random_seed: int) -> None:
    """Create a synthetic county with FACILITIES facilities and YEARS years of inspections (bulk inserts)."""
    started = time.perf_counter()
    summary = generate_dataset(facilities, years, seed=random_seed)
    db.session.commit()
    rows = ", ".join(f"{n} {table}" for table, n in sorted(summary["counts"].items()))
    click.echo(f"{summary['county']}: {rows} in {time.perf_counter() - started:.1f} s")
    click.echo(f"log in as {summary['reviewer']} (password {county.DEMO_PASSWORD}) to see it")
