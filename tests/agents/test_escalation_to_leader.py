"""一个企业、一个领导: a red escalation (督办) of a company's bundle reaches the leader who answers for that company,
and no other company's leader; in the sweep's digest, once."""

import dataclasses

import pytest

from approvals.models import DigestLine, FiringKind
from approvals.notices import digest
from approvals.services.deadlines import sweep
from portal.models import Notification
from tests.factories.applications import accepted_application, shanghai as at
from tests.factories.portal import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def other_company(cat, leader):
    """A second company led by `leader`, with its own applicant, applying from the same catalog."""
    enterprise = EnterpriseFactory(leader=leader)
    return dataclasses.replace(cat, enterprise=enterprise,
                               applicant=UserFactory(role="applicant", enterprise=enterprise))


def test_each_leader_hears_of_the_red_escalations_of_their_own_companies_only(cat):
    other_leader = cat.add_user("leader", email="other.leader@example.org")
    ours = accepted_application(cat, items=[cat.fee_item])  # Mon 06-01: due Fri 06-05 17:30
    theirs = accepted_application(other_company(cat, other_leader), items=[cat.fee_item],
                                  now=at(2026, 6, 1, 10, 5))

    sweep(now=at(2026, 6, 4, 17, 31))  # yellow: the chiefs only, never a leader
    assert not DigestLine.objects.filter(recipient__in=[cat.leader, other_leader]).exists()

    sweep(now=at(2026, 6, 5, 17, 31))  # red: the review and its stage, for both companies
    for leader, application in ((cat.leader, ours), (other_leader, theirs)):
        lines = DigestLine.objects.filter(recipient=leader)
        assert sorted(lines.values_list("firing__kind", flat=True)) == [FiringKind.REVIEW_RED, FiringKind.STAGE_RED]
        assert set(lines.values_list("firing__application", flat=True)) == {application.pk}
        [told] = Notification.objects.filter(recipient=leader)
        assert told.kind == digest.DIGEST_KIND and application.reference in told.body
        assert {line.notification_id for line in lines} == {told.pk}

    sweep(now=at(2026, 6, 5, 17, 45))  # a later pass: nothing again
    assert Notification.objects.filter(recipient__in=[cat.leader, other_leader]).count() == 2


def test_a_company_without_a_leader_escalates_to_the_department_only(cat):
    cat.enterprise.leader = None
    cat.enterprise.save(update_fields=["leader"])
    accepted_application(cat, items=[cat.fee_item])
    sweep(now=at(2026, 6, 5, 17, 31))
    assert not Notification.objects.filter(recipient=cat.leader).exists()
    chief = cat.chief_of(cat.fee_item.department)
    assert DigestLine.objects.filter(recipient=chief, firing__kind=FiringKind.REVIEW_RED).count() == 1
