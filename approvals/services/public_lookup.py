"""办件查询: anyone may follow a bundle's progress with its reference and the company's credit code, without
logging in. Only public facts are shown (status, stages, due dates, lights, the next step in general words);
no names, form values, materials, reasons or documents.

Not an enumeration oracle: a wrong reference, a wrong credit code, a draft (never submitted, so unknown to the
government) and a reference of another company all get the same answer; and each client may try only
`PUBLIC_LOOKUP_LIMIT` times per `PUBLIC_LOOKUP_WINDOW` seconds (a cache counter per IP address).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from approvals.models import Application, ApplicationStatus as S
from approvals.services import next_step, progress
from portal.credit_code import normalise

NEVER_SUBMITTED = (S.DRAFT, S.PRE_REVIEW)


def limit() -> int:
    return getattr(settings, "PUBLIC_LOOKUP_LIMIT", 20)


def window() -> int:
    return getattr(settings, "PUBLIC_LOOKUP_WINDOW", 600)


def allow(client_key: str) -> bool:
    """Count one lookup of `client_key`; False once it has used its allowance in the current window."""
    key = f"public-lookup:{client_key}"
    if cache.add(key, 1, timeout=window()):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window())
        return True
    return count <= limit()


def find(reference: str, credit_code: str) -> Application | None:
    """The submitted application with this reference whose enterprise has this credit code, else None."""
    reference = (reference or "").strip().upper()
    code = normalise(credit_code or "")
    if not reference or not code:
        return None
    return (Application.objects.select_related("lead_department", "enterprise")
            .filter(reference=reference, enterprise__credit_code=code).exclude(status__in=NEVER_SUBMITTED)
            .first())


@dataclass(frozen=True)
class PublicStage:
    name: str
    status: str
    due_at: object
    reviews: list  # (item name, department, status label, due_at, light)


def public_view(application, *, now=None) -> dict:
    """What the public page shows of `application`."""
    now = now or timezone.now()
    stages = []
    for stage in application.stages.select_related("lead_department").order_by("order"):
        rows = []
        for review in stage.reviews.select_related("item", "department").order_by("pk"):
            clock = progress.review_clock(review, now=now)
            rows.append({"item": review.item.name, "department": review.department.name,
                         "status": review.get_status_display(), "due_at": review.due_at,
                         "legal_due_at": review.legal_due_at, "light": clock.light})
        stages.append({"stage": stage, "reviews": rows})
    return {
        "application": application,
        "status": application.get_status_display(),
        "next_step": next_step.next_step(application,
                                         payment_notice=getattr(application, "payment_notice", None)).text,
        "progress_steps": next_step.progress_steps(application, [s["stage"] for s in stages]),
        "acceptance_clock": progress.acceptance_clock(application, now=now),
        "stages": stages,
    }
