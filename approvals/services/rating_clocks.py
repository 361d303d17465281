"""The clocks of bad-review rectifications and pain points join the deadline sweep (register_sweeper): each
crossing fires once (DeadlineFiring's unique constraint), the people concerned hear of it in the pass's digest."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from approvals.models import FiringKind, PainPoint, PainPointStatus, RectificationCase
from approvals.notices import digest
from approvals.notices.messages import when
from approvals.services import deadlines, pain_points, rectifications
from approvals.services.deadlines import chiefs_of, fire, leaders_of, staff_of

digest.register_line(FiringKind.CALLBACK_RED, title=_("Bad review not called back (督办): %(ref)s"),
                     detail=_("The complainant of %(ref)s (%(enterprise)s) was to be called back by %(due)s."))
digest.register_line(FiringKind.RECTIFICATION_YELLOW, title=_("Rectification due soon: %(ref)s"),
                     detail=_("The bad review of %(ref)s (%(enterprise)s) is to be rectified by %(due)s."))
digest.register_line(FiringKind.RECTIFICATION_RED, title=_("Rectification overdue (督办): %(ref)s"),
                     detail=_("The bad review of %(ref)s (%(enterprise)s) was to be rectified by %(due)s."))
digest.register_line(FiringKind.RECHECK_DUE, title=_("Re-check (回头看) due: %(ref)s"),
                     detail=_("The rectification of %(ref)s (%(enterprise)s) is to be re-checked from %(due)s."))
digest.register_line(FiringKind.PAIN_POINT_RED, title=_("Pain point not answered in time"),
                     detail=_("%(text)s — due %(due)s."))

RED = (FiringKind.CALLBACK_RED, FiringKind.RECTIFICATION_RED)


def running_cases():
    return RectificationCase.objects.filter(next_check_at__isnull=False)


def check_case(case_id, *, now, report) -> None:
    with transaction.atomic():
        case = (RectificationCase.objects.select_for_update(skip_locked=True)
                .filter(pk=case_id, next_check_at__lte=now).order_by().first())
        if case is None:
            return
        case = RectificationCase.objects.select_related("application__enterprise", "department").get(pk=case.pk)
        for kind, threshold in rectifications.thresholds(case):
            if threshold is None or threshold > now:
                continue
            firing = fire(kind, case, deadline_at=threshold, now=now, application=case.application,
                          department=case.department, link=rectifications.case_link(case),
                          context={"ref": case.application.reference, "enterprise": case.application.enterprise.name,
                                   "due": when(threshold)})
            if firing:
                people = chiefs_of(case.department) + staff_of(case.department)
                digest.tell(firing, people + (leaders_of(case.department) if kind in RED else []))
                report.count(kind)
        RectificationCase.objects.filter(pk=case.pk).update(next_check_at=rectifications.next_check(case, after=now))


def running_pain_points():
    return PainPoint.objects.filter(next_check_at__isnull=False)


def check_pain_point(point_id, *, now, report) -> None:
    with transaction.atomic():
        point = (PainPoint.objects.select_for_update(skip_locked=True)
                 .filter(pk=point_id, next_check_at__lte=now).order_by().first())
        if point is None:
            return
        PainPoint.objects.filter(pk=point.pk).update(next_check_at=None)
        if point.status != PainPointStatus.OPEN:
            return
        firing = fire(FiringKind.PAIN_POINT_RED, point, deadline_at=point.due_at, now=now,
                      application=point.application, link=pain_points.pain_point_link(point),
                      context={"text": point.description[:80], "due": when(point.due_at)})
        if firing:
            digest.tell(firing, list(pain_points.administrators()))
            report.count(FiringKind.PAIN_POINT_RED)


deadlines.register_sweeper(running_cases, "next_check_at", check_case)
deadlines.register_sweeper(running_pain_points, "next_check_at", check_pain_point)
