"""`flask users …`: manage accounts from the shell."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from inspection.extensions import db
from inspection.models import Department, Facility, Region, Role, User
from inspection.services import Actor, ServiceError
from inspection.services.users import create_user, set_password

CLI_ACTOR = Actor(None, "cli")


@click.group(cls=AppGroup)
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="姓名, shown in the UI and on notices")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--region", required=True, help="region name, e.g. 五寨县")
@click.option("--department", default=None, help="department code within the region, e.g. xf")
@click.option("--facility", default=None, help="facility name (operators)")
@click.option("--credential-no", default="")
@click.password_option()
def create(
    username: str,
    display_name: str,
    role: str,
    region: str,
    department: str | None,
    facility: str | None,
    credential_no: str,
    password: str,
) -> None:
    """Create an account."""
    region_row = db.session.scalar(select(Region).where(Region.name == region))
    if region_row is None:
        raise click.ClickException(f"no region named {region}")
    dept = (
        db.session.scalar(
            select(Department).where(Department.code == department, Department.region_id == region_row.id)
        )
        if department
        else None
    )
    fac = db.session.scalar(select(Facility).where(Facility.name == facility)) if facility else None
    if department and dept is None:
        raise click.ClickException(f"no department {department} in {region}")
    if facility and fac is None:
        raise click.ClickException(f"no facility named {facility}")
    data = {
        "username": username,
        "display_name": display_name,
        "role": role,
        "region_id": region_row.id,
        "department_id": dept.id if dept else None,
        "facility_id": fac.id if fac else None,
        "credential_no": credential_no,
        "active": True,
    }
    try:
        create_user(data, password, CLI_ACTOR)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {role} {username}")


@users.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username: str, password: str) -> None:
    """Set a new password for USERNAME."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    try:
        set_password(user, password, CLI_ACTOR)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"password changed for {username}")


@users.command("list")
def list_users() -> None:
    """List all accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{user.display_name}\t{user.region.name}\t{state}")
