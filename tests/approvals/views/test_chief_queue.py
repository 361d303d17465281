"""The chief's queue through the test client: the opinion-ready filter and count, deciding several as proposed
with one code, the next item after signing, and the chief's own decision labelled as theirs."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals.models import Decision, DecisionSignature, ItemReview, ReviewStatus
from approvals.services import reviews as review_services
from tests.approvals.views.test_review_pages import (  # noqa: F401 (fixtures)
    _setup, after_throttle, fresh_code, login, member, review_url, world, wrong_code,
)

pytestmark = pytest.mark.django_db
R = ReviewStatus


def ready(world, review, decision=Decision.APPROVE, opinion="经审查，符合条件，拟准予许可。"):
    review_services.record_opinion(review, actor=world.staff, opinion=opinion, proposed_decision=decision)
    return ItemReview.objects.get(pk=review.pk)


def more_reviews(world, n):
    return [ItemReview.objects.get(application=world.file([world.item], upload=True), item=world.item)
            for _ in range(n)]


def test_the_inbox_counts_and_filters_the_opinion_ready_reviews(world):
    first, second, bare = more_reviews(world, 3)
    ready(world, first)
    ready(world, second, Decision.REFUSE, "不符合条件，拟不予许可。")
    client = login(world.chief)

    response = client.get(reverse("approvals:inbox"))
    assert response.context["ready_total"] == 2
    page = response.content.decode()
    assert reverse("approvals:decide_batch") in page and 'data-testid="opinion-ready"' in page

    response = client.get(reverse("approvals:inbox"), {"status": "opinion_ready"})
    assert {r.pk for r in response.context["page"].object_list} == {first.pk, second.pk}
    assert all(r.opinion_ready for r in response.context["page"].object_list)
    # Staff see the count too, but no batch decision.
    staff_page = login(world.staff).get(reverse("approvals:inbox")).content.decode()
    assert reverse("approvals:decide_batch") not in staff_page


def test_the_chief_decides_several_as_proposed_with_one_code(world):
    batch = [ready(world, r) for r in more_reviews(world, 3)]
    batch.append(ready(world, world.review, Decision.REFUSE, "不符合规划条件，拟不予许可。"))
    client = login(world.chief)
    url = reverse("approvals:decide_batch")

    listed = client.get(url)
    assert [r.pk for r in listed.context["ready"]] and {r.pk for r in listed.context["ready"]} == {r.pk for r in batch}
    page = listed.content.decode()
    assert 'data-select-all="reviews"' in page and "js/shortcuts.js" in page and "<kbd>a</kbd>" in page
    assert "<script>" not in page  # no inline script

    ids = [r.pk for r in batch]
    response = client.post(url, {"reviews": ids, "otp": wrong_code(client.device)})
    assert response.status_code == 200 and response.context["form"].errors["otp"]
    assert {r.pk for r in response.context["ready"] if r.selected} == set(ids)  # the ticks are kept
    assert set(ItemReview.objects.filter(pk__in=ids).values_list("status", flat=True)) == {R.UNDER_REVIEW}

    with after_throttle():
        response = client.post(url, {"reviews": ids, "otp": fresh_code(client.device)}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "4" in " ".join(str(m) for m in response.context["messages"])
    assert set(ItemReview.objects.filter(pk__in=ids).values_list("status", flat=True)) == {R.SIGNED}
    assert DecisionSignature.objects.filter(review__in=ids, signer=world.chief).count() == 4
    assert ItemReview.objects.get(pk=world.review.pk).decision == Decision.REFUSE
    assert response.context["ready"] == []


def test_a_review_decided_meanwhile_fails_the_page_batch_with_its_name(world):
    first, second = [ready(world, r) for r in more_reviews(world, 2)]
    deputy = member(world.dept, chief=True, full_name="赵副首席")
    client = login(world.chief)
    page_ids = [first.pk, second.pk]
    review_services.approve(second, actor=deputy, reasons="已先行决定。")

    response = client.post(reverse("approvals:decide_batch"), {"reviews": page_ids, "otp": fresh_code(client.device)},
                           follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "赵副首席" in text and "Nothing was decided or signed" in text
    assert ItemReview.objects.get(pk=first.pk).status == R.UNDER_REVIEW
    assert not DecisionSignature.objects.filter(review__in=page_ids).exists()


def test_only_the_chief_opens_the_batch_decision(world):
    assert login(world.staff).get(reverse("approvals:decide_batch")).status_code == 403
    assert login(world.leader).get(reverse("approvals:decide_batch")).status_code == 403
    ready(world, world.review)
    other = login(world.other_chief)
    response = other.post(reverse("approvals:decide_batch"), {"reviews": [world.review.pk],
                                                              "otp": fresh_code(other.device)})
    assert response.status_code == 200 and response.context["form"].errors
    assert ItemReview.objects.get(pk=world.review.pk).status == R.UNDER_REVIEW


def test_after_signing_the_chief_is_offered_the_next_item(world):
    first, second = [ready(world, r) for r in more_reviews(world, 2)]
    client = login(world.chief)
    page = client.get(review_url(first))
    assert page.context["next_review"].pk == second.pk  # the other opinion-ready review, not the one shown
    assert 'data-shortcut="n"' in page.content.decode()
    assert 'data-testid="opinion-ready"' in page.content.decode()  # the review's own status says so too

    response = client.post(review_url(first, "approvals:review_decide"),
                           {"decision": Decision.APPROVE, "reasons": first.opinion, "otp": fresh_code(client.device)},
                           follow=True)
    assert ItemReview.objects.get(pk=first.pk).status == R.SIGNED
    assert response.redirect_chain[-1][0] == review_url(first)  # the signed decision stays in view
    following = response.context["next_review"]
    # The next review waiting for the chief (the other opinion-ready one), never the signed one.
    assert following.pk == second.pk
    body = response.content.decode()
    assert f'href="{review_url(following)}" data-shortcut="n"' in body
    assert following.application.reference in " ".join(str(m) for m in response.context["messages"])

    # The last one signed: nothing else waits, no next item.
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=True):  # the next code
        review_services.decide_as_proposed_and_sign([second], actor=world.chief, otp=fresh_code(client.device))
    last = client.get(review_url(first))
    assert last.context["next_review"] is None


def test_the_chiefs_recorded_decision_is_labelled_as_theirs(world):
    ready(world, world.review, Decision.APPROVE, "拟准予。")
    review_services.approve(world.review, actor=world.chief, reasons="本人决定：准予。")
    page = login(world.chief).get(review_url(world.review)).content.decode()
    recorded = page[page.index('data-testid="recorded-decision"'):]
    assert "Your decision" in recorded[:400] and "Recorded by you" in recorded[:1200]
    assert page.index('data-testid="recorded-decision"') < page.index('data-testid="staff-proposal"')
    assert "The staff proposal this decision followed" in page
    # Another member of the department reads it as the chief's decision, by name.
    staff_page = login(world.staff).get(review_url(world.review)).content.decode()
    assert "Decision of 王首席" in staff_page and "Your decision" not in staff_page


def test_the_batch_page_and_the_inbox_take_the_same_queries_however_many_reviews(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.chief)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for review in more_reviews(world, 2):
        ready(world, review)
    pages = [reverse("approvals:decide_batch"), reverse("approvals:inbox") + "?status=opinion_ready"]
    for url in pages:
        client.get(url)  # warm: the session's renewal is written once a minute, not on every request
    few = [queries(url) for url in pages]
    for review in more_reviews(world, 4):
        ready(world, review)
    assert [queries(url) for url in pages] == few


def test_the_batch_signing_page_has_select_all_and_labels_the_chiefs_own_decisions(world):
    mine, theirs = more_reviews(world, 2)
    deputy = member(world.dept, chief=True, full_name="赵副首席")
    review_services.approve(mine, actor=world.chief, reasons="准予。")
    review_services.approve(theirs, actor=deputy, reasons="准予。")
    page = login(world.chief).get(reverse("approvals:sign_batch")).content.decode()
    assert 'data-select-all="reviews"' in page and "js/shortcuts.js" in page
    assert page.count('data-testid="mine"') == 1 and "赵副首席" in page
