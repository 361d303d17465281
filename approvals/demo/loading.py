"""Idempotent loaders for the demo district (see catalog_data).

Every row is found by its natural key (a department's code, an item's code, a material's canonical key, a
user's username ...), updated in place, validated with `full_clean()` and saved, so loading twice gives the
same rows. Links owned by a demo row (an item's materials, fields and fee rules; a package's stages) are
synchronised: rows the data no longer lists are removed.

Staff accounts get a TOTP device whose secret is derived from a fixed salt and the username, so re-running
keeps the secret a tester has already put in an authenticator app. These secrets and the demo password are
public by design: demo data must never be loaded into a production database.
"""

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.files.base import ContentFile
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.documents.pdf import render_pdf
from approvals.models import (
    Department,
    EnterpriseDocument,
    FeeRule,
    FormField,
    ItemField,
    ItemMaterial,
    MaterialType,
    Package,
    PackageStage,
    ServiceItem,
    StaffAssignment,
)
from portal.credit_code import check_character
from portal.models import Enterprise, Park, Role, User
from portal.models.users import STAFF_ROLES
from portal.services import audit

from . import catalog_data as data

TOTP_SALT = "yibu-portal-demo-totp-v1"
TOTP_DEVICE_NAME = "demo authenticator"
DEMO_MAIL_DOMAIN = "demo.portal.example"


# --- helpers ---------------------------------------------------------------------------------------------

def credit_code_for(org: str, prefix: str = "91500112") -> str:
    """A unified social credit code with a correct check character: prefix (type + district) + org code."""
    body = prefix + org
    if len(body) != 17:
        raise ValueError(f"credit code body must have 17 characters, got {body!r}")
    return body + check_character(body)


def totp_key_hex(username: str) -> str:
    """The deterministic 20-byte TOTP secret of a demo account, hex-encoded as TOTPDevice.key stores it."""
    return hashlib.sha256(f"{TOTP_SALT}:{username}".encode()).digest()[:20].hex()


def totp_secret_base32(key_hex: str) -> str:
    """The secret as authenticator apps take it (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")


def _upsert(model, lookup: dict, values: dict):
    """Find `model` by `lookup`, set `values`, validate and save. Returns the saved instance."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _decimal(value):
    return None if value is None else Decimal(str(value))


# --- catalog ---------------------------------------------------------------------------------------------

def load_parks() -> dict[str, Park]:
    return {p["code"]: _upsert(Park, {"code": p["code"]}, {"name": p["name"], "operator": p["operator"]})
            for p in data.PARKS}


def load_departments() -> dict[str, Department]:
    result = {}
    for d in data.DEPARTMENTS:
        values = {k: d.get(k, "") for k in ("name", "short_name", "approval_section", "window", "phone",
                                            "document_prefix")}
        result[d["code"]] = _upsert(Department, {"code": d["code"]}, values)
    return result


def load_material_types() -> dict[str, MaterialType]:
    result = {}
    for m in data.MATERIAL_TYPES:
        values = {
            "name": m["name"],
            "description": m.get("description", ""),
            "issued_by_government": m.get("issued_by_government", False),
            "max_pages": m.get("max_pages"),
        }
        result[m["key"]] = _upsert(MaterialType, {"key": m["key"]}, values)
    return result


def load_form_fields() -> dict[str, FormField]:
    result = {}
    for f in data.FORM_FIELDS:
        values = {
            "label": f["label"],
            "field_type": f["field_type"],
            "help_text": f.get("help_text", ""),
            "min_value": _decimal(f.get("min_value")),
            "max_value": _decimal(f.get("max_value")),
            "choices": list(f.get("choices", [])),
            "unit": f.get("unit", ""),
        }
        result[f["key"]] = _upsert(FormField, {"key": f["key"]}, values)
    return result


def _sync_item_links(item: ServiceItem, spec: dict, materials: dict, fields: dict) -> None:
    keep = []
    follow = set(spec.get("after_commitment_materials", []))
    for key, required, note in spec.get("materials", []):
        link = _upsert(ItemMaterial, {"item": item, "material_type": materials[key]},
                       {"required": required, "note": note, "copies": 1, "after_commitment": key in follow})
        keep.append(link.pk)
    item.item_materials.exclude(pk__in=keep).delete()

    keep = []
    optional = set(spec.get("optional_fields", []))
    for order, key in enumerate(spec.get("fields", []), start=1):
        link = _upsert(ItemField, {"item": item, "field": fields[key]},
                       {"required": key not in optional, "order": order * 10})
        keep.append(link.pk)
    item.item_fields.exclude(pk__in=keep).delete()

    keep = []
    for fee in spec.get("fees", []):
        basis = fields[fee["basis_field"]] if fee.get("basis_field") else None
        rule = _upsert(FeeRule, {"item": item, "name": fee["name"]}, {
            "basis_field": basis,
            "unit": fee["unit"],
            "min_rate": _decimal(fee["min_rate"]),
            "max_rate": _decimal(fee["max_rate"]),
            "policy": fee.get("policy", "lower_bound"),
            "legal_basis": fee.get("legal_basis", ""),
        })
        keep.append(rule.pk)
    item.fee_rules.exclude(pk__in=keep).delete()


def load_items(departments: dict, materials: dict, fields: dict) -> dict[str, ServiceItem]:
    result = {}
    for spec in data.ITEMS:
        certificate = spec.get("certificate") or {}
        values = {
            "name": spec["name"],
            "department": departments[spec["department"]],
            "kind": spec["kind"],
            "legal_limit_days": spec["legal_limit_days"],
            "promised_limit_days": spec["promised_limit_days"],
            "immediate": spec.get("immediate", False),
            "commitment_allowed": spec.get("commitment_allowed", False),
            "commitment_text": spec.get("commitment_text", ""),
            "fully_online": spec.get("fully_online", True),
            "delivery_options": list(spec.get("delivery_options", [])),
            "issues": spec.get("issues", ""),
            # What the item issues: asked of nobody in its bundle, and its e-certificate's type on file (免提交).
            "issued_material": (materials[spec.get("issued_material") or certificate["material"]]
                                if spec.get("issued_material") or certificate.get("material") else None),
            "legal_basis": spec.get("legal_basis", ""),
            "conditions": spec.get("conditions", ""),
            "issues_certificate": bool(certificate),
            "certificate_name": certificate.get("name", ""),
            "certificate_validity_years": certificate.get("validity_years"),
            "active": True,
        }
        item = _upsert(ServiceItem, {"code": spec["code"]}, values)
        _sync_item_links(item, spec, materials, fields)
        result[spec["code"]] = item
    return result


def load_packages(departments: dict, items: dict) -> dict[str, Package]:
    result = {}
    for spec in data.PACKAGES:
        package = _upsert(Package, {"code": spec["code"]}, {
            "name": spec["name"],
            "description": spec.get("description", ""),
            "joint": spec.get("joint", False),
            "active": True,
        })
        orders = []
        for stage_spec in spec["stages"]:
            stage = _upsert(PackageStage, {"package": package, "order": stage_spec["order"]}, {
                "name": stage_spec["name"],
                "lead_department": departments[stage_spec["lead"]],
                "promised_limit_days": stage_spec["promised_limit_days"],
            })
            stage.items.set([items[code] for code in stage_spec["items"]])
            orders.append(stage_spec["order"])
        package.stages.exclude(order__in=orders).delete()
        result[spec["code"]] = package
    return result


# --- organisation and accounts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    full_name: str
    enterprise: str | None  # credit code
    department: str | None  # department code
    totp_secret: str | None  # base32
    otpauth_uri: str | None
    email: str = ""

    def as_json(self) -> dict:
        return {
            "username": self.username,
            "password": self.password,
            "role": self.role,
            "enterprise": self.enterprise,
            "department": self.department,
            "totp_secret": self.totp_secret,
            "email": self.email,
        }


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    return make_password(data.DEMO_PASSWORD)


def demo_email(username: str) -> str:
    """Every demo account has an address, so that notifications go out by e-mail as well (to var/mail/ under
    `make run`); the reserved .example domain never reaches a real mailbox."""
    return f"{username.replace('_', '.')}@{DEMO_MAIL_DOMAIN}"


def _upsert_user(spec: dict, enterprise: Enterprise | None) -> User:
    user = User.objects.filter(username=spec["username"]).first() or User(username=spec["username"])
    user.role = spec["role"]
    user.full_name = spec["full_name"]
    user.phone = spec.get("phone", "")
    user.email = user.email or demo_email(spec["username"])  # an address a tester changed is kept
    user.enterprise = enterprise
    user.is_active = True
    user.is_staff = spec.get("is_staff", False)
    user.is_superuser = spec.get("is_superuser", False)
    if not user.password or not user.has_usable_password():
        # A password a tester changed is kept. Hashing costs most of a second (PBKDF2), so the demo password
        # is hashed once per run and the same hash given to every new account.
        validate_password(data.DEMO_PASSWORD, user)
        user.password = _demo_password_hash()
    user.full_clean()
    user.save()
    return user


def _ensure_totp(user: User) -> TOTPDevice:
    key = totp_key_hex(user.username)
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME)
    if device.key != key:
        # A new or changed secret: forget what the old one had verified.
        device.key = key
        device.last_t = -1
        device.drift = 0
    device.confirmed = True
    device.full_clean()
    device.save()
    return device


def load_people(parks: dict, departments: dict) -> list[DemoAccount]:
    """Users for every role, the enterprises (with their leader and agent), assignments and TOTP devices."""
    specs = {a["username"]: a for a in data.ACCOUNTS}
    users: dict[str, User] = {}
    # Government-side accounts first: enterprises point at their leader and service agent.
    for spec in data.ACCOUNTS:
        if spec["role"] != "applicant":
            users[spec["username"]] = _upsert_user(spec, None)

    enterprises: dict[str, Enterprise] = {}
    for e in data.ENTERPRISES:
        code = credit_code_for(e["org"])
        enterprises[e["name"]] = _upsert(Enterprise, {"credit_code": code}, {
            "name": e["name"],
            "legal_representative": e["legal_representative"],
            "address": e.get("address", ""),
            "park": parks[e["park"]] if e.get("park") else None,
            "leader": users[e["leader"]],
            "service_agent": users[e["agent"]],
            "false_commitment_recorded": e.get("false_commitment_recorded", False),
        })

    for spec in data.ACCOUNTS:
        if spec["role"] == "applicant":
            users[spec["username"]] = _upsert_user(spec, enterprises[spec["enterprise"]])

    accounts = []
    for username, user in users.items():
        spec = specs[username]
        department = departments[spec["department"]] if spec.get("department") else None
        if department is not None:
            _upsert(StaffAssignment, {"user": user},
                    {"department": department, "title": spec.get("title", "")})
        secret = uri = None
        if user.role in STAFF_ROLES:
            device = _ensure_totp(user)
            secret = totp_secret_base32(device.key)
            uri = device.config_url
        accounts.append(DemoAccount(
            username=username,
            password=data.DEMO_PASSWORD,
            role=user.role,
            full_name=user.full_name,
            enterprise=user.enterprise.credit_code if user.enterprise_id else None,
            department=department.code if department else None,
            totp_secret=secret,
            otpauth_uri=uri,
            email=user.email,
        ))
    # Listed by role (applicants first, as Role declares them), then in the data's order.
    role_order = {role: i for i, role in enumerate(Role.values)}
    order = {a["username"]: i for i, a in enumerate(data.ACCOUNTS)}
    return sorted(accounts, key=lambda a: (role_order[a.role], order[a.username]))


# --- documents the government holds -------------------------------------------------------------------------

LICENCE_ISSUED_ON = date(2020, 6, 18)
_licence_pdfs: dict[tuple, bytes] = {}  # rendering takes ~0.3 s; tests seed many times in one process


def _licence_pdf(enterprise: Enterprise) -> bytes:
    key = (enterprise.credit_code, enterprise.name, enterprise.legal_representative, enterprise.address)
    if key not in _licence_pdfs:
        _licence_pdfs[key] = render_pdf("pdf/business_licence.html",
                                        {"enterprise": enterprise, "issued_on": LICENCE_ISSUED_ON})
    return _licence_pdfs[key]


def load_documents_on_file(materials: dict) -> int:
    """Each demo enterprise's business licence, and the other documents of DOCUMENTS_ON_FILE, held by the
    government and so attached, not asked for."""
    licence_type = materials["business_licence"]
    created = 0
    for enterprise in Enterprise.objects.filter(credit_code__in=[credit_code_for(e["org"]) for e in data.ENTERPRISES]):
        if EnterpriseDocument.objects.filter(enterprise=enterprise, material_type=licence_type).exists():
            continue
        content = _licence_pdf(enterprise)
        document = EnterpriseDocument(
            enterprise=enterprise, material_type=licence_type, title=f"{enterprise.name} 营业执照（电子副本）",
            issued_at=LICENCE_ISSUED_ON, source="重庆市渝北区市场监督管理局", original_name="营业执照.pdf",
            content_type="application/pdf", size=len(content), pages=1,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        document.file.save("licence.pdf", ContentFile(content), save=False)
        document.save()
        created += 1
    for spec in data.DOCUMENTS_ON_FILE:
        created += _load_document(spec, materials)
    return created


def _load_document(spec: dict, materials: dict) -> int:
    """Another document the government holds for a demo company (e.g. a real-estate title), once."""
    enterprise = Enterprise.objects.filter(name=spec["enterprise"]).first()
    material_type = materials[spec["material"]]
    if enterprise is None or EnterpriseDocument.objects.filter(enterprise=enterprise,
                                                               material_type=material_type).exists():
        return 0
    issued_on = date.fromisoformat(spec["issued_at"])
    key = ("document", enterprise.credit_code, spec["material"], spec["number"])
    if key not in _licence_pdfs:
        _licence_pdfs[key] = render_pdf("pdf/document_on_file.html", {
            "enterprise": enterprise, "name": material_type.name, "number": spec["number"],
            "parcel": spec.get("parcel", ""), "source": spec["source"], "issued_on": issued_on})
    content = _licence_pdfs[key]
    document = EnterpriseDocument(
        enterprise=enterprise, material_type=material_type, title=spec["title"], issued_at=issued_on,
        source=spec["source"], original_name=f"{material_type.name}.pdf", content_type="application/pdf",
        size=len(content), pages=1, sha256=hashlib.sha256(content).hexdigest(),
    )
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save()
    return 1


# --- everything ------------------------------------------------------------------------------------------

@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    counts: dict = field(default_factory=dict)


def load_demo() -> DemoResult:
    """Load (or refresh) the whole demo district in one transaction."""
    with transaction.atomic():
        parks = load_parks()
        departments = load_departments()
        materials = load_material_types()
        fields = load_form_fields()
        items = load_items(departments, materials, fields)
        packages = load_packages(departments, items)
        accounts = load_people(parks, departments)
        load_documents_on_file(materials)
        counts = {
            "parks": len(parks),
            "departments": len(departments),
            "material types": len(materials),
            "form fields": len(fields),
            "service items": len(items),
            "packages": len(packages),
            "enterprises": len(data.ENTERPRISES),
            "accounts": len(accounts),
            "documents on file": EnterpriseDocument.objects.count(),
        }
        audit.record("demo_data_loaded", summary="seed_demo loaded the demo district", data=counts)
    return DemoResult(accounts=accounts, counts=counts)
