"""Fixtures for the applications and reviews API: the demo district, token clients, fresh TOTP codes,
and helpers that fill a bundle's form and materials from what its detail says it needs."""

import json
import zlib

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from approvals.calendar.loading import invalidate
from portal.models import User

TOKEN_URL = "/api/v1/auth/token/"
DECLARED = {"declaration": True}  # the 信用承诺 every submission is made under
APPS = "/api/v1/applications/"
REVIEWS = "/api/v1/reviews/"
TRIO = ["CG-XK-001", "CG-XK-002", "CG-XK-003"]


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _media_root(tmp_path_factory):
    """Documents on file (seeded) and uploaded materials never land in the working tree."""
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _test_settings(settings, _media_root):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = _media_root


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process while each test's database rolls back."""
    invalidate()
    yield
    invalidate()


@pytest.fixture(scope="module")
def _demo_district(django_db_setup, django_db_blocker, tmp_path_factory, _media_root):
    """The demo district, seeded once per test module inside a transaction rolled back after the module.

    Every test runs in its own savepoint inside it (pytest-django), so tests still cannot see each other.
    """
    path = tmp_path_factory.mktemp("demo") / "accounts.json"
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS,
                                                                   MEDIA_ROOT=_media_root):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            invalidate()
            call_command("seed_demo", "--quiet", "--accounts-json", str(path))
            yield {a["username"]: a for a in json.loads(path.read_text(encoding="utf-8"))}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            invalidate()


@pytest.fixture
def accounts(_demo_district, db):
    """The demo district (catalog, calendar, one account per role); its accounts by username."""
    return _demo_district


def fresh_code(username: str) -> str:
    """A TOTP code the device has not seen: the next time step after the last one it accepted.

    django-otp refuses a code of a step already used; with tolerance 1 and drift sync it accepts the next one.
    """
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    target = max(totp.t(), device.last_t + 1)
    totp.drift = 0
    totp.time = device.t0 + target * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def login(accounts):
    """login(username) -> an APIClient authenticated with a token from POST /api/v1/auth/token/."""

    def _login(username: str) -> APIClient:
        account = accounts[username]
        payload = {"username": username, "password": account["password"]}
        if account["totp_secret"]:
            payload["otp"] = fresh_code(username)
        response = APIClient().post(TOKEN_URL, payload, format="json")
        assert response.status_code == 200, response.content
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        client.user = User.objects.get(username=username)
        return client

    return _login


# --- files and values ---------------------------------------------------------------------------------------
def png_bytes(seed: str) -> bytes:
    """A small PNG (checked by its magic bytes), different for every seed."""
    raw = b"\x00" + seed.encode()[:8].ljust(8, b"x")
    body = zlib.compress(raw)

    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = chunk(b"IHDR", (2).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0]))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf_bytes(pages: int = 1) -> bytes:
    """A minimal valid PDF with `pages` blank pages, with a correct cross-reference table."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"]
    objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def upload(client, application_id, key, content=None, name=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = content if content is not None else png_bytes(key)
    file = SimpleUploadedFile(name or f"{key}.png", content, content_type="application/octet-stream")
    return client.post(f"{APPS}{application_id}/materials/", {"material_type": key, "file": file},
                       format="multipart")


def valid_form(detail, credit_code) -> dict:
    """A valid value for every field the bundle's one form asks for."""
    values = {"text": "渝北区悦港大道北侧道路改造工程", "textarea": "说明", "integer": "89", "decimal": "319.11",
              "date": "2026-12-01", "credit_code": credit_code, "phone": "13900000001", "boolean": True}
    form = {}
    for field in detail["requirements"]["form_fields"]:
        kind = field["field_type"]
        form[field["key"]] = field["choices"][0] if kind == "choice" else values[kind]
    if "end_date" in form:
        form["end_date"] = "2026-12-31"
    return form


def upload_all(client, detail):
    """Every material the applicant is asked for (what the government holds or the bundle issues never is)."""
    for material in detail["requirements"]["material_list"]:
        if not material["present"] and material["provision"] in ("submit", "after_commitment"):
            response = upload(client, detail["id"], material["key"])
            assert response.status_code == 201, response.content


@pytest.fixture
def make_submitted(login, accounts):
    """make_submitted(items=..., package=..., username=...) -> (applicant client, detail of a submitted bundle)."""

    def _make(*, package=None, items=None, username="applicant"):
        client = login(username)
        body = {"package": package} if package else {"items": items}
        created = client.post(APPS, body, format="json")
        assert created.status_code == 201, created.content
        detail = created.json()
        form = valid_form(detail, accounts[username]["enterprise"])
        assert client.patch(f"{APPS}{detail['id']}/", {"form": form}, format="json").status_code == 200
        upload_all(client, detail)
        submitted = client.post(f"{APPS}{detail['id']}/submit/", DECLARED, format="json")
        assert submitted.status_code == 200, submitted.content
        return client, submitted.json()

    return _make
