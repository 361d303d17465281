"""Demo 好差评, rectifications and pain points (seed_demo, registered in approvals/apps.py).

Runs after the loaders that build decided bundles: every decided demo application not rated yet is rated by its
enterprise's applicant through the real service (mostly good, one in four bad, so the satisfaction chart, 好评率
and the rectification figures mean something); the bad reviews' cases are worked to different points (called back,
resolved and rated, re-checked); the demo supervisor flags two pain points on catalog items. Idempotent: rated
applications and flagged items are skipped."""

from datetime import timedelta

from django.db import transaction

from approvals.models import (
    Application, PainPoint, RatingLevel, RectificationCase, RectificationOutcome, RectificationStatus, ServiceItem,
)
from approvals.services import pain_points, ratings, rectifications
from portal.models.users import Role, User

L = RatingLevel
LEVELS = [L.VERY_SATISFIED, L.SATISFIED, L.VERY_SATISFIED, L.DISSATISFIED, L.BASICALLY_SATISFIED, L.SATISFIED,
          L.VERY_SATISFIED, L.VERY_DISSATISFIED]
TEXTS = {L.DISSATISFIED: "补正材料要求前后不一致，多跑了一次。", L.VERY_DISSATISFIED: "办事指南的收费标准与实际不符。",
         L.VERY_SATISFIED: "一次提交、并联审批，速度很快。", L.SATISFIED: "", L.BASICALLY_SATISFIED: "网上填报页面有点复杂。"}
PAIN_POINTS = ["办事指南所列材料与窗口实际要求不一致。", "同一材料在多个事项中重复提交。"]


def _staff(department):
    return User.objects.filter(assignment__department=department, role__in=[Role.STAFF, Role.CHIEF],
                               is_active=True).order_by("role", "pk").first()


def _rate(index, application) -> int:
    applicant = (User.objects.filter(enterprise_id=application.enterprise_id, role=Role.APPLICANT, is_active=True)
                 .order_by("pk").first())
    if applicant is None:
        return 0
    level = LEVELS[index % len(LEVELS)]
    at = application.decided_at + timedelta(hours=3)
    ratings.rate(application, actor=applicant, level=level, text=TEXTS[level], now=at,
                 criteria={"efficiency": level, "convenience": L.SATISFIED if level in (L.VERY_SATISFIED,) else level})
    item = application.items.order_by("code").first()
    if item is not None:
        ratings.rate(application, actor=applicant, level=L.SATISFIED, item=item, now=at)
    return 1


def _work_case(index, case) -> None:
    staff = _staff(case.department)
    if staff is None or index % 4 == 3:
        return  # one in four left open: the rectification board shows it (red once its call-back is late)
    at = case.opened_at + timedelta(hours=20)
    case = rectifications.call_back(case, actor=staff, note="已电话回访，了解具体情况。", now=at)
    if index % 4 == 2:
        return
    case = rectifications.resolve(case, actor=staff, outcome=RectificationOutcome.RECTIFIED,
                                  note="已修订办事指南并统一窗口口径。", now=at + timedelta(days=3))
    rater = case.rating.rater
    rectifications.rate_fix(case, actor=rater, level=L.SATISFIED, now=at + timedelta(days=4))
    if index % 4 == 0 and case.recheck_due_at:
        rectifications.recheck(case, actor=staff, note="回头看：问题未再出现。", now=case.recheck_due_at)


def load_ratings_demo() -> dict:
    with transaction.atomic():
        waiting = Application.objects.awaiting_rating().order_by("decided_at", "pk")
        rated = sum(_rate(i, application) for i, application in enumerate(waiting))
        cases = RectificationCase.objects.filter(status=RectificationStatus.OPEN, called_back_at__isnull=True)
        for i, case in enumerate(cases.order_by("pk")):
            _work_case(i, case)
        flagged = 0
        supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
        items = list(ServiceItem.objects.filter(active=True).order_by("code")[:len(PAIN_POINTS)])
        if supervisor is not None:
            for item, text in zip(items, PAIN_POINTS):
                if not PainPoint.objects.filter(item=item, description=text).exists():
                    pain_points.flag(actor=supervisor, item=item, description=text)
                    flagged += 1
    return {"applications rated": rated, "rectification cases": RectificationCase.objects.count(),
            "pain points flagged": flagged}
