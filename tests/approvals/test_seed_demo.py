"""seed_demo: a realistic, idempotent demo district with an account (and TOTP secret) for every role."""

import base64
import hashlib
import hmac
import json
import struct
import time
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.models import (
    Department,
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
from portal.credit_code import problem
from portal.models import Enterprise, Park, Role, User
from portal.models.users import STAFF_ROLES

pytestmark = pytest.mark.django_db

COUNTED = [Park, Department, MaterialType, FormField, ServiceItem, ItemMaterial, ItemField, FeeRule, Package,
           PackageStage, PackageStage.items.through, User, Enterprise, StaffAssignment, TOTPDevice]
TRIO = ["市政设施建设类审批", "工程建设涉及城市绿地、树木审批", "占用、迁移、拆除城市道路照明设施审核"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--skip-calendar", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def totp_code(secret_base32: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here independently of django_otp."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "accounts.json"
    seed("--quiet", "--accounts-json", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def test_running_twice_gives_the_same_rows_and_secrets(tmp_path):
    first_path, second_path = tmp_path / "first.json", tmp_path / "second.json"
    seed("--quiet", "--accounts-json", str(first_path))
    first_counts = counts()
    first_keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    first_ids = dict(ServiceItem.objects.values_list("code", "id"))

    seed("--quiet", "--accounts-json", str(second_path))

    assert counts() == first_counts
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == first_keys
    assert dict(ServiceItem.objects.values_list("code", "id")) == first_ids
    assert json.loads(first_path.read_text()) == json.loads(second_path.read_text())
    assert first_counts["ServiceItem"] == 24 and first_counts["Package"] == 4


def test_every_role_has_an_account(seeded):
    assert {a["role"] for a in seeded} == set(Role.values)
    usernames = {a["username"] for a in seeded}
    assert {"applicant", "agent", "clerk", "staff", "chief_cg", "chief_gh", "leader", "admin",
            "supervisor"} <= usernames
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    assert not User.objects.filter(is_superuser=True).exclude(role=Role.ADMIN).exists()
    clerk = User.objects.get(username="clerk")
    assert clerk.assignment.department.name == "区城市管理局"


def test_every_department_has_a_chief_representative(seeded):
    for department in Department.objects.all():
        chiefs = department.chiefs
        # 城管 has a chief and two deputies (one per former review unit of the trio); the others one each.
        assert len(chiefs) == (3 if department.code == "cgj" else 1), department
        assert department.approval_section.startswith(department.name)
        assert department.approval_section.endswith("行政审批科")


def test_accounts_json_matches_the_database(seeded):
    assert len(seeded) == User.objects.count()
    for account in seeded:
        assert set(account) == {"username", "password", "role", "enterprise", "department", "totp_secret",
                                "email"}
        user = User.objects.get(username=account["username"])
        assert account["email"] == user.email
        assert user.check_password(account["password"])
        assert user.role == account["role"]
        assert account["enterprise"] == (user.enterprise.credit_code if user.enterprise_id else None)
        assignment = StaffAssignment.objects.filter(user=user).first()
        assert account["department"] == (assignment.department.code if assignment else None)
        if user.role == Role.APPLICANT:
            assert account["enterprise"]


def test_every_demo_account_has_its_own_e_mail_address_on_a_reserved_domain(seeded, tmp_path):
    emails = dict(User.objects.values_list("username", "email"))
    assert emails["applicant"] == "applicant@demo.portal.example"
    assert emails["chief_cg_lh"] == "chief.cg.lh@demo.portal.example"
    assert all(e.endswith("@demo.portal.example") for e in emails.values())
    assert len(set(emails.values())) == len(emails)
    # An address a tester changed is kept when the demo is loaded again.
    User.objects.filter(username="clerk").update(email="deng.li@example.org")
    seed("--quiet", "--accounts-json", str(tmp_path / "again.json"))
    assert User.objects.get(username="clerk").email == "deng.li@example.org"


def test_staff_secrets_verify_a_code_computed_from_them(seeded):
    staff = [a for a in seeded if a["role"] in STAFF_ROLES]
    assert staff
    for account in seeded:
        assert (account["totp_secret"] is not None) == (account["role"] in STAFF_ROLES), account["username"]
    for account in staff:
        device = TOTPDevice.objects.get(user__username=account["username"], confirmed=True)
        assert device.verify_token(totp_code(account["totp_secret"], time.time())), account["username"]
        # and a code from another account's secret does not
    other = staff[0]["totp_secret"]
    device = TOTPDevice.objects.get(user__username=staff[1]["username"])
    assert not device.verify_token(totp_code(other, time.time() + 120))


def test_demo_password_passes_the_validators(seeded):
    from django.contrib.auth.password_validation import validate_password

    for account in seeded:
        validate_password(account["password"], User.objects.get(username=account["username"]))


def test_enterprises_have_valid_codes_a_leader_and_an_agent(seeded):
    enterprises = list(Enterprise.objects.select_related("leader", "service_agent", "park"))
    assert {"重庆大江北辰新能源汽车产业发展有限公司", "重庆朗桦房地产开发有限公司", "重庆连年佳机械制造有限公司",
            "中科智远（重庆）科技发展有限公司"} <= {e.name for e in enterprises}
    for enterprise in enterprises:
        assert problem(enterprise.credit_code) is None, enterprise.credit_code
        assert enterprise.leader.role == Role.LEADER
        assert enterprise.service_agent.role == Role.AGENT
        assert enterprise.members.filter(role=Role.APPLICANT).exists()
    assert sum(e.false_commitment_recorded for e in enterprises) == 1
    park = Park.objects.get(name="临空前沿科技城")
    assert park.operator == "创新经济走廊公司"
    assert park.enterprises.filter(name="中科智远（重庆）科技发展有限公司").exists()


def test_catalog_limits_and_flags(seeded):
    items = list(ServiceItem.objects.all())
    for item in items:
        assert item.promised_limit_days <= item.legal_limit_days, item.code
        item.full_clean()
    assert any(i.immediate for i in items)
    assert any(i.fully_online for i in items) and any(not i.fully_online for i in items)
    health = ServiceItem.objects.get(name="公共场所卫生许可")
    assert health.commitment_allowed and "承诺" in health.commitment_text
    assert health.department.name == "区卫生健康委"
    for name in ["户外招牌设置备案", "因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审核",
                 "建设用地规划许可证核发", "建设工程规划许可证核发", "建筑工程施工许可证核发"]:
        assert ServiceItem.objects.filter(name=name).exists(), name
    assert ServiceItem.objects.get(name="建设工程规划许可证核发").promised_limit_days == 5  # seed 001
    assert ServiceItem.objects.filter(issues="不动产权证书").exists()
    assert ServiceItem.objects.filter(name__startswith="建设项目环境影响评价").exists()


def test_the_trio_shares_materials(seeded):
    trio = ServiceItem.objects.filter(name__in=TRIO)
    assert trio.count() == 3
    assert {i.promised_limit_days for i in trio} == {4}
    links = ItemMaterial.objects.filter(item__in=trio)
    item_by_item = links.count()
    bundled = links.values("material_type").distinct().count()
    assert item_by_item == 10  # seed 000: ten documents item by item
    assert bundled < item_by_item
    # the business licence is held by the government and is not asked for
    assert links.filter(material_type__issued_by_government=True).exists()
    # and the three items share the canonical form fields
    shared = set.intersection(*(set(i.fields.values_list("key", flat=True)) for i in trio))
    assert {"project_name", "site_address", "builder_credit_code", "contact_person", "contact_phone"} <= shared


def test_the_certificates_are_linked_to_the_items_that_issue_them(seeded):
    issued = dict(ServiceItem.objects.filter(issued_material__isnull=False)
                  .values_list("code", "issued_material__key"))
    assert issued == {"GH-XK-001": "land_use_planning_permit", "GH-XK-002": "construction_planning_permit",
                      "GH-DJ-001": "real_estate_certificate", "ZJ-XK-002": "construction_permit"}
    assert ServiceItem.objects.filter(issued_material__issued_by_government=False).count() == 0
    follows = list(ItemMaterial.objects.filter(after_commitment=True)
                   .values_list("item__code", "material_type__key"))
    assert follows == [("WJ-XK-001", "hygiene_test_report")]


def test_greening_fee_rules_carry_the_legal_range(seeded):
    rules = FeeRule.objects.filter(item__name="工程建设涉及城市绿地、树木审批").order_by("id")
    assert [(r.basis_field.key, str(r.min_rate), str(r.max_rate), r.policy) for r in rules] == [
        ("green_area_m2", "20.00", "40.00", "lower_bound"),
        ("tree_count", "200.00", "369.00", "lower_bound"),
    ]


def _stages(code):
    return [(s.lead_department.name, s.promised_limit_days, sorted(s.items.values_list("name", flat=True)))
            for s in Package.objects.get(code=code).stages.order_by("order")]


def test_packages(seeded):
    assert _stages("cg-trio") == [("区城市管理局", 4, sorted(TRIO))]

    permit = _stages("construction-permit")
    assert [(lead, days) for lead, days, _ in permit] == [("区住房城乡建委", 2), ("区住房城乡建委", 2)]
    assert sorted(n for _, _, names in permit for n in names) == sorted([
        "特殊建设工程消防设计审查", "人防工程设计审查（防空地下室）", "施工图设计文件审查",
        "建设工程安全报监", "建设工程质量报监", "建筑工程施工许可证核发"])

    completion = _stages("joint-completion")
    assert len(completion) == 1 and completion[0][:2] == ("区住房城乡建委", 3)
    assert len(completion[0][2]) == 7
    completion_departments = set(Package.objects.get(code="joint-completion").items()
                                 .values_list("department__name", flat=True))
    assert {"区住房城乡建委", "区规划自然资源局", "区人防办", "区城建档案馆"} <= completion_departments

    land = _stages("land-handover-certificates")
    assert [(lead, days, len(names)) for lead, days, names in land] == [("区规划自然资源局", 1, 3)]


def test_table_prints_every_staff_secret_and_quiet_hides_it():
    out = seed()
    for device in TOTPDevice.objects.select_related("user"):
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        assert device.user.username in out
        assert secret in out
        assert "otpauth://totp/" in out and f"secret={secret}" in out
    assert "Demo-2026-portal" in out

    quiet = seed("--quiet")
    assert "otpauth://" not in quiet and "Demo-2026-portal" not in quiet


def test_refuses_production_settings(settings):
    settings.SETTINGS_MODULE = "portal.settings.production"
    with pytest.raises(CommandError, match="production"):
        seed("--quiet")
    assert not User.objects.exists()


def test_calendar_is_loaded_when_the_command_exists():
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    if "load_calendar" in get_commands():
        from approvals.models import CalendarDay

        assert CalendarDay.objects.exists()
    else:
        assert "load_calendar" in out.getvalue()


@pytest.mark.django_db
def test_each_demo_enterprise_has_its_business_licence_on_file_as_a_real_pdf():
    from approvals.models import EnterpriseDocument
    from approvals.services.uploads import count_pdf_pages

    call_command("seed_demo", "--quiet", "--skip-calendar")
    documents = list(EnterpriseDocument.objects.select_related("enterprise", "material_type"))
    assert len(documents) == 9
    kinds = sorted((d.enterprise.name, d.material_type.key) for d in documents if d.material_type.key !=
                   "business_licence")
    # 朗桦 holds its real-estate title: the construction-permit package attaches it (免提交).
    assert kinds == [("重庆朗桦房地产开发有限公司", "real_estate_certificate")]
    assert sum(d.material_type.key == "business_licence" for d in documents) == 8
    for document in documents:
        content = document.file.read()
        assert content.startswith(b"%PDF-")
        assert count_pdf_pages(content) == 1
        assert hashlib.sha256(content).hexdigest() == document.sha256
    call_command("seed_demo", "--quiet", "--skip-calendar")
    assert EnterpriseDocument.objects.count() == 9
