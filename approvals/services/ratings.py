"""好差评: the applicant rates a decided bundle once, and each of its items once (国办发〔2019〕51号).

`rate` is the only writer of `Rating`. Nobody but an applicant of the enterprise may rate (not an agent, a clerk
or an official: nobody rates for the applicant); a rating is never changed or deleted (`Rating` refuses both). A
bad review (不满意, 非常不满意) opens a rectification case in the department concerned
(`rectifications.open_case`) in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, ApplicationStatus, Criterion, Rating, RatingLevel
from approvals.services import permissions
from portal.errors import DomainError, NotAllowed, WrongState
from portal.services import audit

RATEABLE_STATES = (ApplicationStatus.DECIDED, ApplicationStatus.DELIVERED, ApplicationStatus.CLOSED)
MAX_TEXT = 2000


def require_rater(user, application):
    """Only an applicant of the application's enterprise rates it: nobody rates on the applicant's behalf."""
    if not permissions.acts_for_enterprise(user, application.enterprise):
        raise NotAllowed(_("Only the applicant of %(enterprise)s can rate this service.")
                         % {"enterprise": application.enterprise})


def rate(application, *, actor, level: str, item=None, criteria: dict | None = None, text: str = "", now=None,
         request=None) -> Rating:
    """The applicant's rating of the bundle (`item` None) or of one of its items; once each."""
    from approvals.services import rectifications

    now = now or timezone.now()
    criteria = dict(criteria or {})
    if level not in RatingLevel.values:
        raise DomainError(_("Choose one of the five levels, from very satisfied to very dissatisfied."))
    unknown = sorted(set(criteria) - set(Criterion.values))
    if unknown:
        raise DomainError(_("Unknown criteria: %(names)s.") % {"names": ", ".join(unknown)})
    if any(value and value not in RatingLevel.values for value in criteria.values()):
        raise DomainError(_("Rate each criterion on the same five levels."))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("The comment is too long: at most %(max)d characters.") % {"max": MAX_TEXT})
    with transaction.atomic():
        application = (Application.objects.select_for_update(of=("self",))
                       .select_related("enterprise", "lead_department").get(pk=application.pk))
        require_rater(actor, application)
        if application.status not in RATEABLE_STATES or application.decided_at is None:
            raise WrongState(_("The service can be rated once the application is decided."))
        department = application.lead_department
        if item is not None:
            item = application.items.select_related("department").filter(pk=getattr(item, "pk", item)).first()
            if item is None:
                raise DomainError(_("This item is not part of the application."))
            department = item.department
        already = Rating.objects.filter(application=application, item=item)
        if item is None:
            already = Rating.objects.filter(application=application, item__isnull=True)
        if already.exists():
            raise WrongState(_("You have already rated this; a rating cannot be changed."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    application=application, item=item, department=department, rater=actor, level=level,
                    text=text, rated_at=now, **{key: criteria.get(key) or "" for key in Criterion.values})
        except IntegrityError:  # a concurrent second click
            raise WrongState(_("You have already rated this; a rating cannot be changed.")) from None
        audit.record("rating.given", actor=actor, subject=rating, request=request,
                     summary=f"{application.reference} {item.code if item else '-'} {level}",
                     data={"application": application.pk, "item": getattr(item, "pk", None), "level": level})
        if rating.is_bad:
            rectifications.open_case(rating, now=now)
    return rating


def unrated_items(application):
    """The application's items the applicant has not rated yet (for the rating form)."""
    return application.items.exclude(pk__in=Rating.objects.filter(application=application, item__isnull=False)
                                      .values("item_id"))
