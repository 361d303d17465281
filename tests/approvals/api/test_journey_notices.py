"""Every step told: a whole journey through the API (an agent files for the company; pre-review, supplement,
acceptance, opinion, suspension, extension, decision, fees, delivery) and exactly who hears of what, with which
page, in the portal and by e-mail, each in their own language."""

from collections import defaultdict

import pytest
from django.core import mail
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext, ngettext

from portal.models import Delivery, Notification, User
from portal.services.notify import deliver
from tests.approvals.api.conftest import APPS, DECLARED, REVIEWS, fresh_code, png_bytes, upload, upload_all, valid_form

pytestmark = pytest.mark.django_db
BASE = "https://portal.example.gov.cn"


def told(after):
    """username -> [(kind, link)] of their notifications since `after` (a notification id), oldest first."""
    seen = defaultdict(list)
    for username, kind, link in (Notification.objects.filter(pk__gt=after).order_by("pk")
                                 .values_list("recipient__username", "kind", "link")):
        seen[username].append((kind, link))
    return dict(seen)


def in_language(language, text, **values):
    with translation.override(language):
        return gettext(text) % values


def test_each_step_reaches_exactly_whom_it_concerns_with_its_page_in_the_portal_and_by_mail(login, accounts,
                                                                                          settings):
    settings.PORTAL_BASE_URL = BASE
    User.objects.filter(username="applicant").update(language="en")  # chose English; everyone else: Chinese
    company = accounts["applicant"]["enterprise"]
    agent, clerk = login("agent"), login("clerk")
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0  # the demo's own (its demands)

    # The company's park service agent files the trio for it and asks for a pre-review.
    created = agent.post(APPS, {"package": "cg-trio", "enterprise": company, "delivery_method": "mail",
                                "delivery_address": "重庆市渝北区悦港大道88号"}, format="json")
    assert created.status_code == 201, created.content
    detail = created.json()
    app_id, ref = detail["id"], detail["reference"]
    assert agent.patch(f"{APPS}{app_id}/", {"form": valid_form(detail, company)}, format="json").status_code == 200
    upload_all(agent, detail)
    assert agent.post(f"{APPS}{app_id}/pre-review/").status_code == 200
    answer = {"problems": [{"kind": "field", "key": "contact_phone", "reason": "请留手机号"}], "comment": "其余齐全"}
    assert clerk.post(f"{APPS}{app_id}/answer-pre-review/", answer, format="json").status_code == 200

    # Submitted; one supplement notice; answered; accepted.
    assert agent.post(f"{APPS}{app_id}/submit/", DECLARED, format="json").status_code == 200
    problems = [{"kind": "material", "key": "site_plan", "reason": "比例尺不清楚"}]
    assert clerk.post(f"{APPS}{app_id}/request-supplement/", {"problems": problems}, format="json").status_code == 200
    assert upload(agent, app_id, "site_plan", png_bytes("clearer")).status_code == 201
    assert agent.post(f"{APPS}{app_id}/supplement/", {}, format="json").status_code == 200
    accepted = clerk.post(f"{APPS}{app_id}/accept/")
    assert accepted.status_code == 200, accepted.content
    review_ids = sorted(r["id"] for r in accepted.json()["reviews"])
    first = review_ids[0]

    # The department works: an opinion for the chiefs, a pause and its end, the leader's one extension.
    staff = login("staff")
    assert staff.post(f"{REVIEWS}{first}/opinion/", {"opinion": "材料齐全，建议准予", "proposed_decision": "approve"},
                      format="json").status_code == 200
    assert staff.post(f"{REVIEWS}{first}/suspend/", {"kind": "expert_review", "reason": "组织专家论证",
                                                      "expected_days": 3}, format="json").status_code == 200
    assert staff.post(f"{REVIEWS}{first}/resume/").status_code == 200
    assert login("leader").post(f"{REVIEWS}{first}/extend/", {"days": 5, "reason": "需现场踏勘"},
                                format="json").status_code == 200

    # The chief decides and signs all three (the decision issues the payment notice); the window confirms the
    # payment against its code and mails the results.
    chief = login("chief_cg")
    for review_id in review_ids:
        assert chief.post(f"{REVIEWS}{review_id}/approve/", {"reasons": "符合条件"}, format="json").status_code == 200
    assert chief.post(f"{REVIEWS}sign/", {"ids": review_ids, "otp": fresh_code("chief_cg")},
                      format="json").status_code == 200
    code = agent.get(f"{APPS}{app_id}/").json()["fees"]["payment"]["code"]
    assert clerk.post(f"{APPS}{app_id}/confirm-payment/", {"payment_code": code, "receipt_number": "E-2026-0099"},
                      format="json").status_code == 200
    assert clerk.post(f"{APPS}{app_id}/deliver/", {"method": "mail", "tracking_number": "SF1234567890"},
                      format="json").status_code == 200

    page, desk = f"/applications/{app_id}/", f"/desk/{app_id}/"
    company_side = [("pre_review_answered", page), ("application_received", page), ("supplement_requested", page),
                    ("accepted", page), ("review_suspended", page), ("review_resumed", page),
                    ("review_extended", page)] + [("decision_signed", page)] * 3 + [
        ("fees_due", page), ("fees_paid", page), ("results_delivered", page)]
    department = [("reviews_opened", "/reviews/")]  # three new reviews: the inbox
    chiefs = department + [("opinion_ready", f"/reviews/{first}/")]
    assert told(before) == {
        "applicant": company_side, "agent": company_side,
        "clerk": [("pre_review_requested", desk), ("application_received", desk), ("supplement_answered", desk)],
        "staff": department, "chief_cg": chiefs, "chief_cg_lh": chiefs, "chief_cg_zm": chiefs,
    }

    # In the portal: each in their language. The applicant chose English; the agent reads Chinese.
    journey = Notification.objects.filter(pk__gt=before).order_by("pk")
    english = list(journey.filter(recipient__username="applicant"))
    chinese = list(journey.filter(recipient__username="agent"))
    assert english[0].title == f"Pre-review of {ref}: 1 thing to correct"
    assert "• " in english[0].body and "请留手机号" in english[0].body and "其余齐全" in english[0].body
    with translation.override("zh-hans"):
        assert chinese[0].title == ngettext("Pre-review of %(ref)s: %(n)d thing to correct",
                                            "Pre-review of %(ref)s: %(n)d things to correct", 1) % {"ref": ref, "n": 1}
    assert english[1].title == f"Application received: {ref}"
    assert chinese[1].title == in_language("zh-hans", "Application received: %(ref)s", ref=ref)
    assert "比例尺不清楚" in english[2].body and "工程位置示意图" in english[2].body  # the material's name, not its key
    assert english[4].title.startswith("Review suspended: ") and "3 working days" in english[4].body
    assert "5 working days" in english[6].body and "需现场踏勘" in english[6].body
    assert {n.title.split(":")[0] for n in english[7:10]} == {"Approved"}
    assert "24,182.20" in english[10].body and "21,423.20" in english[10].body and code in english[10].body
    assert "E-2026-0099" in english[11].body and "SF1234567890" in english[12].body

    # By e-mail: everyone has an address in the demo; one message per notification, in the same language,
    # with the page's full address.
    for pk in Delivery.objects.filter(notification__in=journey).values_list("pk", flat=True):
        assert deliver(pk) == "delivered"
    sent = defaultdict(list)
    for message in mail.outbox:
        [address] = message.to
        sent[address].append(message)
    for user in User.objects.filter(notifications__in=journey).distinct():
        notifications = list(journey.filter(recipient=user))
        messages = sent[user.email]
        assert [m.subject for m in messages] == [n.title for n in notifications], user.username
        for message, notification in zip(messages, notifications):
            assert f"{BASE}{notification.link}" in message.body
            assert notification.body.splitlines()[0] in message.body
    assert sum(len(m) for m in sent.values()) == journey.count()
    assert sent["applicant@demo.portal.example"][0].subject == f"Pre-review of {ref}: 1 thing to correct"
