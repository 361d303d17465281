"""办件查询: the public progress lookup by reference and credit code, without login; public facts only; the
same answer for every miss; a per-client allowance."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories.applications import accepted_application, draft_application, make_catalog
from tests.factories.portal import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat():
    cache.clear()
    return make_catalog()


def look(client, reference, credit_code):
    return client.get(reverse("approvals:lookup"), {"reference": reference, "credit_code": credit_code})


def test_found_by_reference_and_credit_code_without_login(client, cat):
    application = accepted_application(cat)
    response = look(client, application.reference.lower(), cat.enterprise.credit_code)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="lookup-result" data-status="under_review"' in page
    assert cat.fee_item.name in page and 'data-light="red"' in page  # accepted on 2026-06-01, long overdue
    for private in (cat.applicant.full_name, "临空大道1号", "319.11"):  # a name, form values
        assert private not in page


def test_every_miss_reads_the_same(client, cat):
    application = accepted_application(cat)
    draft = draft_application(cat)
    other = EnterpriseFactory()
    misses = [look(client, application.reference, other.credit_code),
              look(client, "YB20990101999999", cat.enterprise.credit_code),
              look(client, draft.reference, cat.enterprise.credit_code)]
    assert {r.status_code for r in misses} == {404}
    errors = {re.search(r'data-testid="lookup-error">(.*?)</p>', r.content.decode()).group(1) for r in misses}
    assert len(errors) == 1
    assert not any('data-testid="lookup-result"' in r.content.decode() for r in misses)


def test_lookups_beyond_the_allowance_are_refused(client, cat, settings):
    settings.PUBLIC_LOOKUP_LIMIT = 3
    application = accepted_application(cat)
    codes = [look(client, "YB20990101999999", cat.enterprise.credit_code).status_code for _ in range(3)]
    assert codes == [404, 404, 404]
    assert look(client, application.reference, cat.enterprise.credit_code).status_code == 429


def test_bad_input_is_a_form_error_not_a_500(client, cat):
    response = look(client, "", "123")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
