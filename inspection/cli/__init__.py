"""Command-line interface: thin click wrappers around the services."""

import os
import sys
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from inspection.cli.audit import audit
from inspection.cli.checklists import checklists
from inspection.cli.demo import demo
from inspection.cli.export import export
from inspection.cli.facilities import facilities
from inspection.cli.grading import grading
from inspection.cli.rankings import rankings
from inspection.cli.signing import departments_by_code, signing
from inspection.cli.users import users
from inspection.deploy_checks import deployment_problems, deployment_warnings, signing_problems
from inspection.extensions import db
from inspection.models import AuditEvent, User
from inspection.orm import utcnow
from inspection.security import UNTRUSTED_PROXY_HEADERS

#: How far back check-deploy looks for requests that carried proxy headers no proxy was trusted for.
PROXY_HEADERS_LOOKBACK = timedelta(days=7)


@click.command("check-deploy")
@with_appcontext
def check_deploy() -> None:
    """Fail, naming each problem, when a production setting is unsafe; warn about those that may be."""
    demo_accounts = db.session.scalar(select(func.count()).select_from(User).where(User.is_demo, User.active))
    problems = deployment_problems(current_app.config, debug=current_app.debug, demo_accounts=demo_accounts or 0)
    problems += signing_problems(departments_by_code(), current_app.config, os.environ)
    proxy_headers_at = db.session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.action == UNTRUSTED_PROXY_HEADERS, AuditEvent.created_at >= utcnow() - PROXY_HEADERS_LOOKBACK
        )
    )
    for warning in deployment_warnings(current_app.config, untrusted_proxy_headers_at=proxy_headers_at):
        click.echo(f"WARNING: {warning}", err=True)
    for problem in problems:
        click.echo(f"UNSAFE: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("OK: production settings look safe")


def register_cli(app: Flask) -> None:
    """Attach the command groups to `flask --app app …`."""
    app.cli.add_command(check_deploy)
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(signing)
    app.cli.add_command(checklists)
    app.cli.add_command(audit)
    app.cli.add_command(facilities)
    app.cli.add_command(grading)
    app.cli.add_command(export)
    app.cli.add_command(rankings)
