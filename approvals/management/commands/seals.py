"""`manage.py seals init|import|status`: the portal's root CA and the departments' seals (files, not database).

    seals init                                   create the root CA and a seal for every department without one
    seals import --ca ca.pem [--replace]         trust a real CA's root certificate instead
    seals import --department cgj --key k.pem --cert c.pem [--key-password-env VAR] [--replace]
    seals status                                 which departments have a seal, and the CA's fingerprint

Idempotent: init never overwrites, importing the same files again changes nothing.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.core.management.base import BaseCommand, CommandError

from approvals.documents import keystore
from approvals.models import Department


class Command(BaseCommand):
    help = "Create or import the portal's root CA and the departments' seal keys and certificates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="Create the root CA and the missing department seals (ECDSA P-256).")
        imp = sub.add_parser("import", help="Import a CA certificate, or a department's key and certificate.")
        imp.add_argument("--ca", type=Path, help="PEM file of the CA certificate to trust.")
        imp.add_argument("--department", help="Department code whose seal is imported.")
        imp.add_argument("--key", type=Path, help="PEM file of the seal's private key.")
        imp.add_argument("--cert", type=Path, help="PEM file of the seal's certificate (and intermediates).")
        imp.add_argument("--key-password-env", metavar="VAR",
                         help="Environment variable holding the imported key's own passphrase, if any.")
        imp.add_argument("--replace", action="store_true", help="Replace an installed CA or seal.")
        sub.add_parser("status", help="List the seals.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (keystore.SealError, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None

    def _init(self, **options):
        report = keystore.init(list(Department.objects.order_by("code")))
        if report.created_ca:
            self.stdout.write(self.style.SUCCESS(f"Created the root CA in {keystore.ca_cert_path()}."))
        for code in report.created:
            self.stdout.write(self.style.SUCCESS(f"Created the seal of {code}."))
        if not report.created_ca and not report.created:
            self.stdout.write("Every department already has a seal; nothing to do.")
        self.stdout.write(f"Seals are in {keystore.seals_dir()} (private keys encrypted with SEAL_KEY_PASSPHRASE).")

    def _import(self, *, ca=None, department=None, key=None, cert=None, key_password_env=None, replace=False,
                **options):
        if ca is not None:
            changed = keystore.import_ca(ca.read_bytes(), replace=replace)
            self.stdout.write(self.style.SUCCESS("Installed the CA certificate.") if changed
                              else "This CA certificate is already installed.")
        if department is not None:
            if key is None or cert is None:
                raise CommandError("Give --key and --cert with --department.")
            target = Department.objects.filter(code=department).first()
            if target is None:
                raise CommandError(f"No department with the code {department!r}.")
            password = os.environ.get(key_password_env, "").encode() if key_password_env else None
            changed = keystore.import_seal(target, key_pem=key.read_bytes(), certificate_pem=cert.read_bytes(),
                                           key_password=password or None, replace=replace)
            self.stdout.write(self.style.SUCCESS(f"Installed the seal of {department}.") if changed
                              else f"This seal of {department} is already installed.")
        if ca is None and department is None:
            raise CommandError("Give --ca or --department (with --key and --cert).")

    def _status(self, **options):
        pem = keystore.ca_certificate_pem()
        if pem:
            from cryptography import x509

            certificate = x509.load_pem_x509_certificate(pem)
            self.stdout.write(f"Root CA: {certificate.subject.rfc4514_string()} "
                              f"SHA-256 {certificate.fingerprint(hashes.SHA256()).hex()}")
        else:
            self.stdout.write("No root CA: run `manage.py seals init`.")
        for department in Department.objects.order_by("code"):
            if keystore.has_seal(department):
                certificate = keystore.seal_certificate(department)
                self.stdout.write(f"  {department.code:12} {certificate.subject.rfc4514_string()} "
                                  f"until {certificate.not_valid_after_utc:%Y-%m-%d}")
            else:
                self.stdout.write(f"  {department.code:12} no seal")
