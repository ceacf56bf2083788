"""`flask signing …`: the demo CA that lets `make run` sign documents without a real one."""

import os
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from inspection.demo.county import DEPARTMENTS as DEMO_DEPARTMENTS
from inspection.extensions import db
from inspection.models import Department
from inspection.signing import key_setting_names, setting
from inspection.signing_ca import create_root, issue_department_pkcs12, root_from_pem, root_to_pem


@click.group(cls=AppGroup)
def signing() -> None:
    """Signing keys of the departments."""


@signing.command("demo-ca")
def demo_ca() -> None:
    """Give every department without a signing key a demo key (演示), kept in instance/signing/ and named in
    instance/config.py. Run again, it only adds keys for departments added since; check-deploy refuses them."""
    folder = Path(current_app.instance_path) / "signing"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    certificate_file, key_file = folder / "demo-ca.pem", folder / "demo-ca-key.pem"
    if certificate_file.exists() and key_file.exists():
        ca = root_from_pem(certificate_file.read_bytes(), key_file.read_bytes())
    else:
        ca = create_root()
        certificate_pem, key_pem = root_to_pem(ca)
        certificate_file.write_bytes(certificate_pem)
        _write_private(key_file, key_pem)
    settings_lines = []
    for code, name in departments_by_code():
        path_name, password_name = key_setting_names(code)
        if setting(path_name, current_app.config, os.environ):
            continue
        password = secrets.token_urlsafe(24)
        p12 = folder / f"{code}.p12"
        _write_private(p12, issue_department_pkcs12(ca, name, password.encode()))
        settings_lines += [f"{path_name} = {str(p12)!r}", f"{password_name} = {password!r}"]
        click.echo(f"demo signing key for {name} ({code}): {p12}")
    if not settings_lines:
        click.echo("every department has a signing key: nothing to do")
        return
    config_file = Path(current_app.instance_path) / "config.py"
    with config_file.open("a", encoding="utf-8") as out:
        out.write("# Demo signing keys (flask signing demo-ca): 演示 certificates, refused by check-deploy.\n")
        out.write("\n".join(settings_lines) + "\n")
    click.echo(f"named in {config_file}")


def departments_by_code() -> list[tuple[str, str]]:
    """Department codes with the name of the first department holding each (one key per code, see README). An
    empty database gets the demo county's departments: `make run` makes their keys before seeding the demo county,
    whose history includes signed notices."""
    first: dict[str, str] = {}
    for code, name in db.session.execute(select(Department.code, Department.name).order_by(Department.id)):
        first.setdefault(code, name)
    if not first:
        return [(code, name) for code, name, *_ in DEMO_DEPARTMENTS]
    return list(first.items())


def _write_private(path: Path, data: bytes) -> None:
    """Write a key file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
