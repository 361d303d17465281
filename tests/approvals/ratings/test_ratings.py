"""好差评 (issue 13): the applicant rates a decided bundle once and each item once; nobody else rates, nobody
changes or deletes a rating; a bad review opens a rectification case in the department concerned."""

from datetime import datetime

import pytest
from django.db import connection

from approvals.models import (
    Application, Rating, RatingIsFinal, RatingLevel, RectificationCase, RectificationStatus,
)
from approvals.services import ratings
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models import AuditEntry, Notification
from tests.factories.applications import (
    DEFAULT_NOW, SHANGHAI, accepted_application, decided_application, reload,
)
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db
L = RatingLevel


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def decided(cat):
    return decided_application(cat)


def test_the_applicant_rates_the_bundle_and_each_item_once(cat, decided):
    assert list(Application.objects.visible_to(cat.applicant).awaiting_rating()) == [decided]
    rating = ratings.rate(decided, actor=cat.applicant, level=L.VERY_SATISFIED, text="很快",
                          criteria={"efficiency": L.VERY_SATISFIED, "usability": L.SATISFIED}, now=DEFAULT_NOW)
    assert (rating.item, rating.department, rating.efficiency, rating.usability, rating.overall) == (
        None, decided.lead_department, L.VERY_SATISFIED, L.SATISFIED, "")
    assert not Application.objects.awaiting_rating().exists()
    item_rating = ratings.rate(decided, actor=cat.applicant, level=L.SATISFIED, item=cat.immediate_item)
    assert item_rating.department == cat.immediate_item.department
    with pytest.raises(WrongState):
        ratings.rate(decided, actor=cat.applicant, level=L.DISSATISFIED)
    with pytest.raises(WrongState):
        ratings.rate(decided, actor=cat.applicant, level=L.DISSATISFIED, item=cat.immediate_item)
    assert list(ratings.unrated_items(decided).order_by("code")) == sorted(
        [cat.fee_item, cat.commitment_item], key=lambda i: i.code)
    assert Rating.objects.count() == 2
    assert AuditEntry.objects.filter(event="rating.given").count() == 2
    assert not RectificationCase.objects.exists()  # good reviews open nothing


@pytest.mark.parametrize("role", ["agent", "clerk", "staff", "chief", "leader", "admin", "supervisor"])
def test_nobody_rates_for_the_applicant(cat, decided, role):
    with pytest.raises(NotAllowed):
        ratings.rate(decided, actor=UserFactory(role=role), level=L.VERY_SATISFIED)
    assert not Rating.objects.exists()


def test_an_applicant_of_another_enterprise_cannot_rate(cat, decided):
    with pytest.raises(NotAllowed):
        ratings.rate(decided, actor=UserFactory(applicant=True), level=L.VERY_DISSATISFIED)


def test_an_application_is_rated_only_once_decided(cat):
    application = accepted_application(cat)
    assert not Application.objects.awaiting_rating().exists()
    with pytest.raises(WrongState):
        ratings.rate(application, actor=cat.applicant, level=L.SATISFIED)


@pytest.mark.parametrize("bad", [{"level": "great"}, {"level": L.SATISFIED, "criteria": {"speed": L.SATISFIED}},
                                 {"level": L.SATISFIED, "criteria": {"overall": "meh"}},
                                 {"level": L.SATISFIED, "text": "长" * 2001}])
def test_bad_input_is_refused_with_a_message(cat, decided, bad):
    with pytest.raises(DomainError):
        ratings.rate(decided, actor=cat.applicant, **bad)


def test_an_item_outside_the_application_cannot_be_rated(cat):
    application = decided_application(cat, items=[cat.immediate_item])
    with pytest.raises(DomainError):
        ratings.rate(application, actor=cat.applicant, level=L.SATISFIED, item=cat.fee_item)


def test_a_rating_can_be_neither_changed_nor_deleted(cat, decided):
    rating = ratings.rate(decided, actor=cat.applicant, level=L.SATISFIED)
    rating.level = L.VERY_DISSATISFIED
    with pytest.raises(RatingIsFinal):
        rating.save()
    with pytest.raises(RatingIsFinal):
        rating.delete()
    with pytest.raises(RatingIsFinal):
        Rating.objects.filter(pk=rating.pk).update(level=L.VERY_DISSATISFIED)
    with pytest.raises(RatingIsFinal):
        Rating.objects.all().delete()
    assert reload(rating).level == L.SATISFIED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_a_rating(cat, decided):
    from django.db import DatabaseError, transaction

    rating = ratings.rate(decided, actor=cat.applicant, level=L.SATISFIED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE approvals_rating SET level = 'very_dissatisfied' WHERE id = %s", [rating.pk])


@pytest.mark.parametrize("level", [L.DISSATISFIED, L.VERY_DISSATISFIED])
def test_a_bad_review_opens_a_rectification_case_in_the_department_concerned(cat, decided, level):
    rating = ratings.rate(decided, actor=cat.applicant, level=level, item=cat.commitment_item, text="跑了两次",
                          now=DEFAULT_NOW)
    case = RectificationCase.objects.get()
    assert (case.rating, case.department, case.status) == (rating, cat.commitment_item.department,
                                                           RectificationStatus.OPEN)
    # Rated Mon 2026-06-01 10:00: call-back by the end of Tue 06-02, rectification in 15 working days (Mon 06-22
    # is a working day; Fri 06-19 is the Dragon Boat Festival).
    assert case.callback_due_at == at(2026, 6, 2, 17, 30)
    assert case.due_at == at(2026, 6, 23, 17, 30)
    assert case.next_check_at == case.callback_due_at
    told = set(Notification.objects.filter(kind="rectification_opened").values_list("recipient", flat=True))
    department = cat.commitment_item.department
    assert told == {cat.chief_of(department).pk, cat.staff_of(department).pk}
