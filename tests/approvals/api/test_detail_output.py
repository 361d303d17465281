"""The application detail writes its fields out by hand (speed); the declared fields stay the definition.

For applications in many states — drafts (complete, with form errors and missing materials, with an answered
pre-review), submitted (acceptance clock running), with a supplement notice, under review with a pause and an
extension, on two stages, decided (with a refusal), paid and delivered, on commitment — seen by the applicant and
by a government user, in English and in Chinese, the hand-written output (`to_representation`) must equal DRF's
generic walk of the declared fields and nested serializers (`generic_representation`), and the API answers it.
"""

import json
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from approvals.api.serializers.applications import ApplicationDetailSerializer
from approvals.models import Application, ApplicationStatus, ReviewStatus
from approvals.services import acceptance, applications, delivery
from approvals.services import reviews as review_services
from tests.approvals.services.conftest import _english, _fast_passwords, _media, calendar_2026, cat  # noqa: F401
from tests.factories.applications import (
    SHANGHAI, accepted_application, decided_application, decided_on_commitment, draft_application, frozen,
    paid_application, submitted_application,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
LATER = datetime(2026, 6, 20, 10, 0, tzinfo=SHANGHAI)
PROBLEMS = [
    {"kind": "material", "key": "site_plan", "reason": "总平面图缺少比例尺"},
    {"kind": "field", "key": "green_area_m2", "reason": "面积与图纸不一致"},
]


def _json(data):
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def applications_in_many_states(cat):
    draft_application(cat, now=NOW, items=[cat.fee_item])
    draft_application(cat, now=NOW, form={"project_name": ""}, materials=False)  # form errors, missing materials
    reviewed = draft_application(cat, now=NOW)
    with frozen(NOW):
        applications.request_pre_review(reviewed, actor=cat.applicant, now=NOW)
        applications.answer_pre_review(reviewed, actor=cat.clerk, problems=PROBLEMS, comment="请一并修改", now=NOW)
    submitted_application(cat, now=NOW)
    supplemented = submitted_application(cat, now=NOW)
    with frozen(NOW):
        acceptance.request_supplement(supplemented, actor=cat.window_of(supplemented.lead_department),
                                      problems=PROBLEMS, now=NOW)
    running = accepted_application(cat, now=NOW)
    with frozen(NOW):
        first, second = list(running.reviews.filter(status=ReviewStatus.UNDER_REVIEW).select_related("department"))[:2]
        review_services.suspend(first, actor=cat.staff_of(first.department), kind="testing", reason="送检",
                                expected_days=2, now=NOW)
        review_services.extend(second, actor=cat.leader, days=5, reason="需要补充现场勘验", now=NOW)
    accepted_application(cat, now=NOW, package=cat.two_stage_package)
    decided_application(cat, now=NOW, decisions={cat.immediate_item.code: "refuse"})
    delivered = paid_application(cat, now=NOW)
    with frozen(NOW):
        delivery.deliver(delivered, actor=cat.clerk, method="electronic", now=NOW)
    decided_on_commitment(cat, now=NOW)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.DECIDED, ApplicationStatus.DELIVERED} <= statuses, statuses
    return cat


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_hand_written_detail_equals_the_declared_fields(applications_in_many_states, language):
    cat = applications_in_many_states
    viewers = [None, cat.leader]  # the applicant's view (no request user) and a government user's
    seen = {"pre_review": 0, "supplement_request": 0, "acceptance_clock": 0, "commitments": 0, "payment": 0,
            "pauses": 0, "extension": 0, "stages>1": 0, "fees": 0, "form_errors": 0, "missing": 0}
    with translation.override(language), frozen(LATER):
        for application in Application.objects.select_related("enterprise", "package", "lead_department"):
            for viewer in viewers:
                def context():
                    return {"now": LATER, "request": SimpleNamespace(user=viewer) if viewer else None}
                fast = _json(ApplicationDetailSerializer(application, context=context()).data)
                generic = _json(ApplicationDetailSerializer(context=context()).generic_representation(application))
                assert fast == generic, (application.status, viewer)
                assert list(fast) == ApplicationDetailSerializer.Meta.fields
                seen["pre_review"] += fast["pre_review"] is not None and bool(fast["pre_review"]["problems"])
                seen["supplement_request"] += fast["supplement_request"] is not None
                seen["acceptance_clock"] += fast["acceptance_clock"] is not None
                seen["commitments"] += bool(fast["commitments"])
                seen["payment"] += fast["fees"]["payment"] is not None
                seen["fees"] += bool(fast["fees"]["charges"])
                seen["pauses"] += any(r["pauses"] for r in fast["reviews"])
                seen["extension"] += any(r["extension"] for r in fast["reviews"])
                seen["stages>1"] += len(fast["stages"]) > 1
                seen["form_errors"] += bool(fast["form_errors"])
                seen["missing"] += bool(fast["missing_materials"])
    assert all(seen.values()), seen  # every kind of nested output was compared at least once


def test_the_detail_api_answers_the_hand_written_output(applications_in_many_states, client):
    """GET /api/v1/applications/{id}/ answers what the serializer writes, for the applicant."""
    cat = applications_in_many_states
    client.force_login(cat.applicant)
    with frozen(LATER):
        for application in Application.objects.filter(enterprise=cat.enterprise):
            answer = client.get(f"/api/v1/applications/{application.pk}/", headers={"accept-language": "zh-hans"})
            assert answer.status_code == 200
            with translation.override("zh-hans"):
                request = SimpleNamespace(user=cat.applicant)
                fresh = Application.objects.select_related("enterprise", "package", "lead_department") \
                    .get(pk=application.pk)
                generic = ApplicationDetailSerializer(context={"now": LATER, "request": request}) \
                    .generic_representation(fresh)
            assert answer.json() == _json(generic), application.status
