"""The applicant always knows the next step: the workspace's to-dos and bundles, the "what happens next" box,
the pre-review answer on the status page, the stages as a progress bar and the grouped timeline."""

import pytest
from django.urls import reverse

from approvals.services import acceptance, applications
from approvals.services.next_step import grouped_events, register_todo_source, todos_for, _todo_sources
from tests.factories.applications import (
    DEFAULT_NOW, accepted_application, draft_application, frozen, make_catalog, paid_application, reload,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat():
    return make_catalog()


def detail(client, user, application):
    client.force_login(user)
    return client.get(reverse("approvals:application", args=[application.pk])).content.decode()


def test_workspace_lists_supplement_payment_and_drafts_as_todos(client, cat):
    draft = draft_application(cat, materials=False)
    supplement = submitted_application(cat)
    with frozen(DEFAULT_NOW):
        acceptance.request_supplement(supplement, actor=cat.clerk, now=DEFAULT_NOW, problems=[
            {"kind": "material", "key": "site_plan", "reason": "比例尺不清晰"}])
    client.force_login(cat.applicant)
    page = client.get(reverse("portal:home")).content.decode()
    assert f'data-todo="supplement" data-reference="{supplement.reference}"' in page
    assert f'data-todo="draft" data-reference="{draft.reference}"' in page
    assert 'data-testid="my-bundles"' in page


def test_payment_due_is_a_todo_until_paid(cat):
    from approvals.models import Application
    from tests.factories.applications import decided_application

    decided = decided_application(cat)
    kinds = {(t.kind, t.application.pk) for t in todos_for(Application.objects.filter(enterprise=cat.enterprise))}
    assert ("payment", decided.pk) in kinds


def test_registered_sources_add_todos(cat):
    from approvals.models import Application
    from approvals.services.next_step import ToDo

    application = draft_application(cat)
    register_todo_source(lambda apps: [ToDo("rating", "待评价", a, "/") for a in apps])
    try:
        kinds = [t.kind for t in todos_for(Application.objects.filter(pk=application.pk))]
    finally:
        _todo_sources.pop()
    assert kinds == ["draft", "rating"]


def test_status_page_shows_next_step_progress_and_pre_review_answer(client, cat):
    application = draft_application(cat)
    with frozen(DEFAULT_NOW):
        applications.request_pre_review(application, actor=cat.applicant, now=DEFAULT_NOW)
        applications.answer_pre_review(application, actor=cat.clerk, now=DEFAULT_NOW, comment="请按上述两点修改后正式提交。",
                                       problems=[{"kind": "material", "key": "site_plan", "reason": "未标注位置"},
                                                 {"kind": "field", "key": "site_address", "reason": "地址不完整"}])
    page = detail(client, cat.applicant, application)
    assert 'data-testid="pre-review-answer"' in page and "请按上述两点修改后正式提交。" in page
    assert "未标注位置" in page and "地址不完整" in page
    assert 'data-testid="next-step" data-who="you"' in page
    assert reverse("approvals:application_form", args=[application.pk]) in page


def test_under_review_progress_marks_the_stage_current(client, cat):
    application = accepted_application(cat)
    page = detail(client, cat.applicant, application)
    assert 'data-testid="next-step" data-who="department"' in page
    assert page.count('data-state="done"') == 2  # filled in, accepted
    assert page.count('data-state="current"') == 1


def test_uploads_in_a_row_are_one_timeline_line(client, cat):
    application = submitted_application(cat)
    page = detail(client, cat.applicant, application)
    uploads = application.events.filter(kind="material_uploaded").count()
    assert uploads == 2
    assert page.count('data-kind="material_uploaded"') == 1
    assert f'data-count="{uploads}"' in page


def test_grouping_keeps_other_events_apart(cat):
    application = reload(paid_application(cat))
    events = list(application.events.order_by("-at", "-id"))
    entries = grouped_events(events)
    assert sum(e.count for e in entries) == len(events)
    assert len(entries) == len(events) - 1  # only the two uploads merge


def test_pre_review_answer_is_shown_at_the_material_it_criticises(client, cat):
    application = draft_application(cat)
    with frozen(DEFAULT_NOW):
        applications.request_pre_review(application, actor=cat.applicant, now=DEFAULT_NOW)
        applications.answer_pre_review(application, actor=cat.clerk, now=DEFAULT_NOW, problems=[
            {"kind": "material", "key": "site_plan", "reason": "总平面图未标注拟迁移路灯的位置"}])
    client.force_login(cat.applicant)
    page = client.get(reverse("approvals:application_materials", args=[application.pk])).content.decode()
    section = page[page.index('data-material="site_plan"'):]
    section = section[:section.index("</section>")]
    assert 'data-testid="pre-review-at-material"' in section and "总平面图未标注拟迁移路灯的位置" in section
    assert page.count('data-testid="pre-review-at-material"') == 1


def test_materials_page_adds_and_removes_a_further_file(client, cat):
    from tests.factories.applications import png_bytes

    from django.core.files.uploadedfile import SimpleUploadedFile

    application = draft_application(cat)
    client.force_login(cat.applicant)
    url = reverse("approvals:application_materials", args=[application.pk])
    assert 'data-testid="add-file"' in client.get(url).content.decode()
    response = client.post(url, {"material_type": "site_plan", "add": "1",
                                 "file": SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="added-files"' in page and "photo.png" in page
    assert application.materials.filter(material_type__key="site_plan", is_current=True).count() == 2
    client.post(url, {"material_type": "site_plan", "remove_part": "2"})
    assert application.materials.filter(material_type__key="site_plan", is_current=True).count() == 1
