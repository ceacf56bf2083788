"""Throwaway signing keys for tests: one demo root and one PKCS#12 per department code, made once per run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

from inspection.signing import key_setting_names
from inspection.signing_ca import DemoCA, create_root, issue_department_pkcs12
from tests.factories import BASE_COUNTY, DEPARTMENTS

PASSWORD = "test-signing-password"


@dataclass(frozen=True)
class TestKeys:
    """The CA, the files it wrote and the environment naming them."""

    __test__ = False  # not a test class, whatever its name

    ca: DemoCA
    files: dict[str, Path]
    environ: dict[str, str]

    def common_name(self, code: str) -> str:
        """The subject CN of department `code`'s certificate, as pdfsig prints it."""
        _key, certificate, _chain = pkcs12.load_key_and_certificates(self.files[code].read_bytes(), PASSWORD.encode())
        return certificate.subject.rfc4514_string().split(",")[0].removeprefix("CN=")


def make_test_keys(directory: Path) -> TestKeys:
    """Write a key for every department code of the factories into `directory` (names of the base county)."""
    ca = create_root()
    files, environ = {}, {}
    for code, suffix, *_ in DEPARTMENTS:
        path = directory / f"{code}.p12"
        path.write_bytes(issue_department_pkcs12(ca, f"{BASE_COUNTY}{suffix}", PASSWORD.encode()))
        path_name, password_name = key_setting_names(code)
        files[code] = path
        environ[path_name] = str(path)
        environ[password_name] = PASSWORD
    return TestKeys(ca, files, environ)


def make_unmarked_keys(directory: Path) -> dict[str, str]:
    """Write keys of a CA without the demo marks, as a real one would issue (for a check-deploy that passes), and
    return the environment naming them."""
    now = datetime.now(UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "某省数字证书认证中心（测试）")])
    environ = {}
    for code, suffix, *_ in DEPARTMENTS:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{BASE_COUNTY}{suffix}")]))
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(root_key, hashes.SHA256())
        )
        path = directory / f"{code}-unmarked.p12"
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(b"k", key, certificate, None, BestAvailableEncryption(b"pw"))
        )
        path_name, password_name = key_setting_names(code)
        environ[path_name], environ[password_name] = str(path), "pw"
    return environ
