"""Agency cases (代办件): 接件, 办理, 督办, 反馈 — and chasing automatically when a linked review goes red."""

from django.db import transaction
from django.utils.translation import gettext as _

from agents.models import AgencyCase, CaseStatus
from approvals.models import FiringKind
from portal.services import audit


def chase_on_red_review(sender, *, kind, subject, application, now, **kwargs):
    """deadline_fired receiver: a linked review went red -> every open case of that application is chased."""
    if kind not in (FiringKind.REVIEW_RED, FiringKind.REVIEW_LEGAL):
        return
    open_cases = AgencyCase.objects.select_for_update().filter(
        applications=application, status__in=[CaseStatus.RECEIVED, CaseStatus.HANDLING, CaseStatus.CHASING])
    with transaction.atomic():
        for case in open_cases:
            note = _("%(item)s of %(ref)s is overdue at %(department)s.") % {
                "item": subject.item.name, "ref": application.reference, "department": subject.department}
            if case.status == CaseStatus.CHASING:
                case.chase_note = f"{case.chase_note}\n{note}".strip()
                case.save(update_fields=["chase_note"])
            else:
                case.chase(now=now, note=note)
                case.save()
            audit.record("agency_case.chasing", subject=case, summary=note[:255],
                         data={"application": application.pk, "review": subject.pk, "automatic": True})
