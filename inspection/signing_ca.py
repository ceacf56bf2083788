"""A demo certificate authority: one root and one PKCS#12 signing key per department, all marked 演示. Pure: no Flask.

`make run` (``flask --app app signing demo-ca``) and the tests use it so that documents are signed without a real CA.
Every certificate it makes carries two marks that `is_demo_certificate` recognises and check-deploy refuses in
production: the organisation name `DEMO_CA_ORGANIZATION` in the issuer, and the certificate policy `DEMO_POLICY_OID`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
    pkcs12,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: Organisation (O) of the demo root and of every certificate it issues.
DEMO_CA_ORGANIZATION = "CareInspect 演示 CA"
#: Policy of demo certificates: a UUID-based OID (ITU-T X.667, ``2.25.<UUID>``) minted for this project, so it
#: belongs to no one else and means only "a demo certificate, not for real documents".
DEMO_POLICY_OID = "2.25.206727823889453141735643053618458329173"
#: Suffix of the department name in a demo certificate's common name.
DEMO_MARK = "（演示）"
VALIDITY = timedelta(days=5 * 365)


@dataclass(frozen=True)
class DemoCA:
    """The demo root: its key signs the department certificates."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def create_root(now: datetime | None = None) -> DemoCA:
    """Create a self-signed demo root certificate (ECDSA P-256)."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_CA_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, f"CareInspect 演示根证书{DEMO_MARK}"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_demo_policy(), critical=False)
        .sign(key, hashes.SHA256())
    )
    return DemoCA(key, certificate)


def root_to_pem(ca: DemoCA) -> tuple[bytes, bytes]:
    """Return the root's certificate and (unencrypted: it is a demo) key as PEM, to keep them between runs."""
    key = ca.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return ca.certificate.public_bytes(Encoding.PEM), key


def root_from_pem(certificate_pem: bytes, key_pem: bytes) -> DemoCA:
    """Read a root written by `root_to_pem`."""
    key = load_pem_private_key(key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the demo CA key is not an EC key")
    return DemoCA(key, x509.load_pem_x509_certificate(certificate_pem))


def issue_department_pkcs12(ca: DemoCA, department_name: str, password: bytes, now: datetime | None = None) -> bytes:
    """Issue a demo signing certificate for a department and return it with its new key as PKCS#12 bytes.

    :param department_name: the full name, e.g. 五寨县民政局; the common name becomes 五寨县民政局（演示）.
    :param password: the PKCS#12 password.
    """
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_CA_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{department_name}{DEMO_MARK}"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(_demo_policy(), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        department_name.encode(), key, certificate, [ca.certificate], BestAvailableEncryption(password)
    )


def is_demo_certificate(certificate: x509.Certificate) -> bool:
    """Return True if `certificate` was made by a demo CA (issuer organisation or policy OID)."""
    organisations = certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if any(attribute.value == DEMO_CA_ORGANIZATION for attribute in organisations):
        return True
    try:
        policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return False
    return any(policy.policy_identifier.dotted_string == DEMO_POLICY_OID for policy in policies)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # non-repudiation: the key signs documents, not sessions
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _demo_policy() -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(DEMO_POLICY_OID), None)])
