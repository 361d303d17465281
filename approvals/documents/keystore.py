"""The seals' keys and certificates, kept as files outside the database under settings.SEALS_DIR.

    <SEALS_DIR>/ca.pem                     the portal's root CA certificate (the trust anchor of every seal)
    <SEALS_DIR>/ca.key.pem                 its private key, encrypted (absent when a real CA issued the seals)
    <SEALS_DIR>/departments/<code>.pem     a department's seal certificate, followed by any intermediate CAs
    <SEALS_DIR>/departments/<code>.key.pem its private key, encrypted

Private keys are PKCS#8 PEM encrypted with settings.SEAL_KEY_PASSPHRASE (production refuses the default) and
written with mode 0600. `init` creates what is missing (ECDSA P-256) and never overwrites; `import_seal` and
`import_ca` take keys and certificates from a real CA through the same code. See docs/documents.md.
"""

import datetime
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_NAME = "一站式审批门户电子印章根证书"
SEAL_SUFFIX = "电子印章"
CA_YEARS = 20
SEAL_YEARS = 10


class SealError(Exception):
    """A seal is missing, does not match its key, or cannot be read."""


def seals_dir() -> Path:
    return Path(settings.SEALS_DIR)


def ca_cert_path() -> Path:
    return seals_dir() / "ca.pem"


def ca_key_path() -> Path:
    return seals_dir() / "ca.key.pem"


def seal_cert_path(department) -> Path:
    return seals_dir() / "departments" / f"{department.code}.pem"


def seal_key_path(department) -> Path:
    return seals_dir() / "departments" / f"{department.code}.key.pem"


def _passphrase() -> bytes:
    return settings.SEAL_KEY_PASSPHRASE.encode()


def _write(path: Path, content: bytes, *, secret: bool = False) -> None:
    """Write atomically (a temporary file renamed over the target); keys readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o600 if secret else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(_passphrase()))


def _load_key(path: Path, password: bytes | None):
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=password)
    except FileNotFoundError:
        raise SealError(f"No private key at {path}.") from None
    except (ValueError, TypeError) as exc:
        raise SealError(f"The private key at {path} cannot be read with the configured passphrase: {exc}") from None


def _load_certs(path: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except FileNotFoundError:
        raise SealError(f"No certificate at {path}.") from None
    except ValueError as exc:
        raise SealError(f"The certificate at {path} cannot be read: {exc}") from None


def _same_key(key, certificate) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return (key.public_key().public_bytes(serialization.Encoding.DER, spki)
            == certificate.public_key().public_bytes(serialization.Encoding.DER, spki))


# --- creating the portal's own CA and seals --------------------------------------------------------------------
def _name(common_name: str, organisation: str, unit: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64])]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _create_ca(now) -> tuple:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(CA_NAME, str(settings.PORTAL_DISTRICT))
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(ca_key_path(), _key_pem(key), secret=True)
    _write(ca_cert_path(), certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def official_name(department) -> str:
    """The department's full name as its seal bears it: 区城市管理局 -> 重庆市渝北区城市管理局."""
    name = department.name
    district = str(settings.PORTAL_DISTRICT)
    return district + name[1:] if name.startswith("区") and district else name


def _create_seal(department, ca_key, ca_certificate, now) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = official_name(department)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name}{SEAL_SUFFIX}", name, department.approval_section))
        .issuer_name(ca_certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(min(now + datetime.timedelta(days=365 * SEAL_YEARS), ca_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(seal_key_path(department), _key_pem(key), secret=True)
    _write(seal_cert_path(department), certificate.public_bytes(serialization.Encoding.PEM))


@dataclass
class InitReport:
    created_ca: bool = False
    created: list = field(default_factory=list)
    existing: list = field(default_factory=list)


def init(departments, *, now=None) -> InitReport:
    """Create the root CA (if missing) and a seal for every department that has none. Never overwrites."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    report = InitReport()
    missing = [d for d in departments if not (seal_cert_path(d).exists() and seal_key_path(d).exists())]
    report.existing = [d.code for d in departments if d not in missing]
    if not missing and ca_cert_path().exists():
        return report
    if ca_cert_path().exists():
        if not ca_key_path().exists():
            raise SealError("The root CA was imported without its key, so the portal cannot create seals: import "
                            f"the seals of {', '.join(d.code for d in missing)} from the CA that issued them.")
        ca_key = _load_key(ca_key_path(), _passphrase())
        ca_certificate = _load_certs(ca_cert_path())[0]
    else:
        ca_key, ca_certificate = _create_ca(now)
        report.created_ca = True
    for department in missing:
        _create_seal(department, ca_key, ca_certificate, now)
        report.created.append(department.code)
    signer_for.cache_clear()
    return report


# --- importing from a real CA -------------------------------------------------------------------------------
def import_ca(certificate_pem: bytes, *, replace: bool = False) -> bool:
    """Install a CA certificate as the trust anchor. False when the same one is already installed."""
    certificate = x509.load_pem_x509_certificates(certificate_pem)[0]
    if ca_cert_path().exists():
        current = _load_certs(ca_cert_path())[0]
        if current == certificate:
            return False
        if not replace:
            raise SealError("Another root CA is installed; pass replace=True (--replace) to change the trust anchor.")
        ca_key_path().unlink(missing_ok=True)  # the old CA's key no longer matches the anchor
    _write(ca_cert_path(), certificate.public_bytes(serialization.Encoding.PEM))
    signer_for.cache_clear()
    return True


def import_seal(department, *, key_pem: bytes, certificate_pem: bytes, key_password: bytes | None = None,
                replace: bool = False) -> bool:
    """Install a department's key and certificate (plus any intermediates after it) issued by a real CA.

    The key is stored re-encrypted with the portal's passphrase. False when the same certificate is already
    installed with its key."""
    try:
        key = serialization.load_pem_private_key(key_pem, password=key_password)
    except (ValueError, TypeError) as exc:
        raise SealError(f"The private key cannot be read: {exc}") from None
    chain = x509.load_pem_x509_certificates(certificate_pem)
    if not _same_key(key, chain[0]):
        raise SealError("The private key does not belong to the certificate.")
    if seal_cert_path(department).exists():
        if _load_certs(seal_cert_path(department))[0] == chain[0] and seal_key_path(department).exists():
            return False
        if not replace:
            raise SealError(f"{department.code} already has a seal; pass replace=True (--replace) to change it.")
    _write(seal_key_path(department), _key_pem(key), secret=True)
    _write(seal_cert_path(department), b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    signer_for.cache_clear()
    return True


# --- using them -------------------------------------------------------------------------------------------------
def ca_certificate_pem() -> bytes:
    return ca_cert_path().read_bytes() if ca_cert_path().exists() else b""


def seal_certificate(department) -> x509.Certificate:
    return _load_certs(seal_cert_path(department))[0]


def has_seal(department) -> bool:
    return seal_cert_path(department).exists() and seal_key_path(department).exists()


def _stamp(path: Path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def signer(department):
    """The pyHanko signer of `department`'s seal (decrypted once per process and file version)."""
    key_path, cert_path = seal_key_path(department), seal_cert_path(department)
    return signer_for(str(key_path), str(cert_path), str(ca_cert_path()), _stamp(key_path), _stamp(cert_path),
                      _stamp(ca_cert_path()), settings.SEAL_KEY_PASSPHRASE)


@lru_cache(maxsize=64)
def signer_for(key_path, cert_path, ca_path, _key_stamp, _cert_stamp, _ca_stamp, passphrase):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if _key_stamp is None or _cert_stamp is None:
        raise SealError(f"No seal at {cert_path}: run `manage.py seals init` or import one.")
    key = _load_key(Path(key_path), passphrase.encode())
    chain = _load_certs(Path(cert_path))
    if not _same_key(key, chain[0]):
        raise SealError(f"The key at {key_path} does not belong to the certificate at {cert_path}.")
    others = chain[1:] + (_load_certs(Path(ca_path)) if _ca_stamp is not None else [])
    der = serialization.Encoding.DER
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(chain[0].public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                                    serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(c.public_bytes(der))
                                                         for c in others]),
    )


def trust_roots() -> list:
    """The portal CA as asn1crypto certificates, for pyHanko's validation context."""
    from asn1crypto import x509 as asn1_x509

    if not ca_cert_path().exists():
        return []
    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in _load_certs(ca_cert_path())]
