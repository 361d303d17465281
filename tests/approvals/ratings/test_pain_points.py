"""痛点堵点: supervisors (and leaders) flag, administrators answer within PAIN_POINT_DAYS working days."""

from datetime import datetime

import pytest

from approvals.lights import Light
from approvals.models import DeadlineFiring, FiringKind, PainPoint, PainPointStatus
from approvals.services import pain_points
from approvals.services.deadlines import sweep
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import Notification
from tests.factories.applications import DEFAULT_NOW, SHANGHAI, accepted_application, draft_application, reload
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def supervisor(db):
    return UserFactory(supervisor=True)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True)


def test_a_supervisor_flags_an_application_and_the_administrator_answers(cat, supervisor, admin):
    application = accepted_application(cat)
    point = pain_points.flag(actor=supervisor, application=application, description="补正材料要求重复",
                             now=DEFAULT_NOW)
    assert point.due_at == at(2026, 6, 8, 17, 30)  # 5 working days
    assert Notification.objects.filter(kind="pain_point_flagged", recipient=admin).exists()
    point = pain_points.answer(point, actor=admin, text="已合并补正清单", now=at(2026, 6, 3))
    assert (point.status, point.next_check_at, point.light_at(at(2026, 7, 1))) == (
        PainPointStatus.ANSWERED, None, Light.DONE)
    assert Notification.objects.filter(kind="pain_point_answered", recipient=supervisor).exists()
    with pytest.raises(WrongState):
        pain_points.answer(point, actor=admin, text="again")


def test_a_pain_point_on_an_item(cat, supervisor):
    point = pain_points.flag(actor=supervisor, item=cat.fee_item, description="办事指南收费标准不清")
    assert point.item == cat.fee_item and point.application is None


@pytest.mark.parametrize("role", ["applicant", "agent", "clerk", "staff", "chief", "admin"])
def test_only_supervisors_and_leaders_flag(cat, role):
    with pytest.raises(NotAllowed):
        pain_points.flag(actor=UserFactory(role=role), item=cat.fee_item, description="x")


def test_a_flag_needs_a_subject_and_a_description_and_a_visible_application(cat, supervisor):
    with pytest.raises(DomainError):
        pain_points.flag(actor=supervisor, description="x")
    with pytest.raises(DomainError):
        pain_points.flag(actor=supervisor, item=cat.fee_item, description="  ")
    with pytest.raises(NotAllowed):  # a draft is nobody's business but the applicant's
        pain_points.flag(actor=supervisor, application=draft_application(cat), description="x")


def test_only_an_administrator_answers(cat, supervisor):
    point = pain_points.flag(actor=supervisor, item=cat.fee_item, description="x")
    with pytest.raises(NotAllowed):
        pain_points.answer(point, actor=supervisor, text="y")


def test_an_unanswered_pain_point_goes_red_once(cat, supervisor, admin):
    point = pain_points.flag(actor=supervisor, item=cat.fee_item, description="x", now=DEFAULT_NOW)
    assert sweep(now=point.due_at).fired == {FiringKind.PAIN_POINT_RED: 1}
    assert sweep(now=point.due_at).fired == {}
    assert DeadlineFiring.objects.filter(subject_type="painpoint").count() == 1
    assert PainPoint.objects.with_light(point.due_at).get().light == Light.RED
    assert reload(point).next_check_at is None
