"""Who leads a stage is said neutrally (牵头部门：X) to everyone outside that department: a supervisor and an
administrator (no department), a leader, and the chief of another department see no "本部门" (our department) on
any page that shows a stage's lead; the lead department's own chief keeps "本部门牵头的阶段" on their inbox."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.applications import accepted_application, make_catalog
from tests.factories.portal import UserFactory, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(db, settings, tmp_path):
    from approvals.calendar.loading import invalidate
    from approvals.calendar.seeding import load_from_chinesecalendar

    settings.MEDIA_ROOT = tmp_path
    invalidate()
    load_from_chinesecalendar(years=[2026])
    yield make_catalog()
    invalidate()


def client_for(user) -> Client:
    return signed_in_client(user, "zh-hans")


def pages(cat, application):
    """Every page that shows a stage's lead department (those a viewer may not open answer 403/404)."""
    urls = [reverse("approvals:application", args=[application.pk]),
            reverse("approvals:packages"), reverse("approvals:package", args=[cat.two_stage_package.code]),
            reverse("approvals:package", args=[cat.package.code]),
            reverse("approvals:inbox"), reverse("approvals:escalations"), reverse("approvals:overdue_board"),
            reverse("portal:home")]
    urls += [reverse("approvals:review", args=[pk]) for pk in application.reviews.values_list("pk", flat=True)]
    return urls


def text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_lead_is_named_neutrally_to_everyone_outside_the_department(cat):
    application = accepted_application(cat, package=cat.two_stage_package)
    lead = application.lead_department
    outside_chief = next(cat.chief_of(d) for d in cat.departments
                         if not application.stages.filter(lead_department=d).exists())
    viewers = {"supervisor": UserFactory(supervisor=True), "administrator": UserFactory(admin=True),
               "leader": cat.leader, "chief of another department": outside_chief}
    # The chief's own workspace, inbox and board: "本部门" there is the chief's department.
    own_department_pages = {reverse("approvals:inbox"), reverse("approvals:escalations"), reverse("portal:home")}
    for who, user in viewers.items():
        client = client_for(user)
        shown_lead = 0
        for url in pages(cat, application):
            response = client.get(url)
            if response.status_code in (403, 404):
                continue
            assert response.status_code == 200, (who, url, response.status_code)
            if url in own_department_pages and user is outside_chief:
                # The application's stages (led by another department) are not among those "your department leads".
                stages = re.search(r'aria-labelledby="stages-heading">(.*?)</section>', response.content.decode(),
                                   re.S)
                assert stages is None or application.reference not in stages.group(1), (who, url)
                continue
            body = text(response)
            assert "本部门" not in body, (who, url, body[max(0, body.find("本部门") - 60):body.find("本部门") + 60])
            if re.search(rf"牵头部门\s*：?\s*{re.escape(lead.name)}", body):
                shown_lead += 1
        # Each of them opens at least the application (or the package) page naming the lead department.
        assert shown_lead >= 1, who


def test_the_lead_departments_own_chief_reads_about_their_department(cat):
    application = accepted_application(cat, package=cat.two_stage_package)
    chief = cat.chief_of(application.lead_department)
    inbox = text(client_for(chief).get(reverse("approvals:inbox")))
    assert "本部门牵头的阶段" in inbox and application.reference in inbox
    detail = text(client_for(chief).get(reverse("approvals:application", args=[application.pk])))
    assert re.search(rf"牵头部门\s*：?\s*{re.escape(application.lead_department.name)}", detail)
