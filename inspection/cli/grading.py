"""`flask grading expire-certificates`: mark the grade certificates whose validity ended as expired, daily (cron, as
the nightly export): their facilities are no longer graded in rankings and the API, and their plaques are due back."""

from datetime import date

import click
from flask.cli import AppGroup

from inspection.extensions import db
from inspection.services import Actor
from inspection.services.grade_certificates import expire_certificates

CLI_ACTOR = Actor(None, "cli")


@click.group(cls=AppGroup)
def grading() -> None:
    """The grading campaign."""


@grading.command("expire-certificates")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day to expire as of (default: today).")
def expire_command(today) -> None:
    """Mark every active certificate whose last valid day is before TODAY as expired."""
    day = today.date() if today else date.today()
    expired = expire_certificates(day, CLI_ACTOR)
    db.session.commit()
    for certificate in expired:
        click.echo(f"{certificate.number}\t{certificate.facility.name}\tvalid until {certificate.valid_until}")
    click.echo(f"{len(expired)} certificate(s) expired as of {day}")
