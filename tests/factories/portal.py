"""Factories for identity: users by role, parks, enterprises with valid credit codes, TOTP devices."""

import itertools

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.credit_code import check_character
from portal.models import Enterprise, Park, Role, User

_serial = itertools.count(1)
PASSWORD = "Portal-Test-2026"


def valid_credit_code(n: int | None = None) -> str:
    """A credit code with a correct check character (91 = enterprise, 500112 = Yubei district)."""
    n = next(_serial) if n is None else n
    body = f"91500112{n:09d}"
    return body + check_character(body)


def current_totp(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for `device`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("code",)

    code = "qianyan"
    name = "临空前沿科技城"
    operator = "创新经济走廊公司"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"重庆测试企业{n}有限公司")
    credit_code = factory.LazyFunction(valid_credit_code)
    legal_representative = "张三"
    park = factory.SubFactory(ParkFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        applicant = factory.Trait(role=Role.APPLICANT, enterprise=factory.SubFactory(EnterpriseFactory))
        agent = factory.Trait(role=Role.AGENT)
        clerk = factory.Trait(role=Role.CLERK)
        staff = factory.Trait(role=Role.STAFF)
        chief = factory.Trait(role=Role.CHIEF)
        leader = factory.Trait(role=Role.LEADER)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)
        supervisor = factory.Trait(role=Role.SUPERVISOR)


def with_totp(user: User) -> TOTPDevice:
    """Give `user` a confirmed TOTP device, as enrolment would."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def signed_in_client(user, language: str = "en"):
    """A page client logged in as `user` (None: anonymous), past the second factor when the role needs it, asking
    for pages in `language`."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client(headers={"accept-language": language})
    if user is None:
        return client
    client.force_login(user)
    if user.needs_second_factor:
        device = user.totpdevice_set.filter(confirmed=True).first() or with_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
