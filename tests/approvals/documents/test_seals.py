"""Seals: `seals init` creates the root CA and one ECDSA P-256 seal per department, keys encrypted and outside the
database; idempotent; keys and certificates of a real CA are imported through the same code."""

import datetime
import io
import os
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError

from approvals.documents import keystore, signing
from approvals.documents.pdf import SealPlacement
from tests.factories.applications import pdf_bytes
from tests.factories.approvals import DepartmentFactory

from .conftest import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return [DepartmentFactory(code="seal-a", name="区城市管理局"), DepartmentFactory(code="seal-b", name="区住房城乡建委")]


def test_init_creates_the_ca_and_one_encrypted_p256_seal_per_department(departments):
    report = keystore.init(departments)
    assert report.created_ca and report.created == ["seal-a", "seal-b"]
    ca = x509.load_pem_x509_certificate(keystore.ca_cert_path().read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for department in departments:
        key_pem = keystore.seal_key_path(department).read_bytes()
        assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert stat.S_IMODE(os.stat(keystore.seal_key_path(department)).st_mode) == 0o600
        with pytest.raises(TypeError):  # no key without the passphrase
            serialization.load_pem_private_key(key_pem, password=None)
        certificate = keystore.seal_certificate(department)
        assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
        assert certificate.public_key().curve.name == "secp256r1"
        assert certificate.issuer == ca.subject
        assert "重庆市渝北区" in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_init_is_idempotent_and_adds_seals_for_new_departments(departments):
    keystore.init(departments)
    before = {p: p.read_bytes() for p in keystore.seals_dir().rglob("*.pem")}
    again = keystore.init(departments)
    assert not again.created_ca and again.created == [] and again.existing == ["seal-a", "seal-b"]
    assert {p: p.read_bytes() for p in keystore.seals_dir().rglob("*.pem")} == before
    newcomer = DepartmentFactory(code="seal-c")
    assert keystore.init([*departments, newcomer]).created == ["seal-c"]
    assert keystore.seal_certificate(newcomer).issuer == keystore.seal_certificate(departments[0]).issuer


def test_a_wrong_passphrase_is_refused_in_plain_words(departments, settings):
    keystore.init(departments)
    settings.SEAL_KEY_PASSPHRASE = "not-the-passphrase-used"
    with pytest.raises(keystore.SealError, match="passphrase"):
        keystore.signer(departments[0])


def _external_ca(common_name="Real CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=True, crl_sign=True, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .sign(key, hashes.SHA256()))
    return key, certificate


def _issued_by(ca_key, ca_certificate, common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                                                        common_name)]))
                   .issuer_name(ca_certificate.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=300))
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=False, crl_sign=False, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .sign(ca_key, hashes.SHA256()))
    return key, certificate


def pem(obj, password: bytes | None = None) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    encryption = (serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption())
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def test_a_real_cas_certificate_and_seal_are_imported_and_used(departments, tmp_path, monkeypatch):
    ca_key, ca_certificate = _external_ca()
    seal_key, seal_certificate = _issued_by(ca_key, ca_certificate, "区城市管理局 行政审批专用章")
    (tmp_path / "ca.pem").write_bytes(pem(ca_certificate))
    (tmp_path / "seal.pem").write_bytes(pem(seal_certificate))
    (tmp_path / "seal.key").write_bytes(pem(seal_key, b"the CA's own passphrase"))
    monkeypatch.setenv("IMPORTED_KEY_PASSWORD", "the CA's own passphrase")
    out = io.StringIO()
    call_command("seals", "import", "--ca", str(tmp_path / "ca.pem"), stdout=out)
    call_command("seals", "import", "--department", "seal-a", "--key", str(tmp_path / "seal.key"), "--cert",
                 str(tmp_path / "seal.pem"), "--key-password-env", "IMPORTED_KEY_PASSWORD", stdout=out)
    call_command("seals", "import", "--department", "seal-a", "--key", str(tmp_path / "seal.key"), "--cert",
                 str(tmp_path / "seal.pem"), "--key-password-env", "IMPORTED_KEY_PASSWORD", stdout=out)
    assert "already installed" in out.getvalue()
    # Stored re-encrypted with the portal's passphrase; signing with it validates against the imported CA.
    assert keystore.seal_key_path(departments[0]).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    signed = signing.seal_pdf(pdf_bytes(), department=departments[0], placement=SealPlacement(0, (400, 100, 519, 219)),
                              reason="test")
    status = validate(signed)
    assert status.intact and status.valid and status.trusted
    # Without the CA's key the portal cannot make seals for other departments: it says what to do.
    with pytest.raises(keystore.SealError, match="import"):
        keystore.init(departments)


def test_a_key_that_does_not_belong_to_the_certificate_is_refused(departments, tmp_path):
    ca_key, ca_certificate = _external_ca()
    _key, certificate = _issued_by(ca_key, ca_certificate, "seal")
    (tmp_path / "seal.pem").write_bytes(pem(certificate))
    (tmp_path / "other.key").write_bytes(pem(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(CommandError, match="does not belong"):
        call_command("seals", "import", "--department", "seal-a", "--key", str(tmp_path / "other.key"), "--cert",
                     str(tmp_path / "seal.pem"))
    assert not keystore.has_seal(departments[0])


def test_the_command_creates_and_lists_the_seals(departments):
    out = io.StringIO()
    call_command("seals", "init", stdout=out)
    call_command("seals", "init", stdout=out)
    call_command("seals", "status", stdout=out)
    text = out.getvalue()
    assert "Created the root CA" in text and "Created the seal of seal-a" in text
    assert "nothing to do" in text and "Root CA:" in text and "seal-b" in text
