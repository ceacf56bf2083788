"""Throwaway signing keys for tests: one demo root and one PKCS#12 per department code, made once per run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12

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
