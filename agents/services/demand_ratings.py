"""好差评 of a closed demand: a member of the company rates the park's handling once (not the agent: nobody rates
for the company). A bad review tells the demand's owner and the company's leader, who follow it up."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.models import Demand, DemandRating, DemandStatus
from agents.services.demand_clocks import demand_link
from agents.services.demands import is_company_member
from approvals.models import RatingLevel
from portal.errors import DomainError, NotAllowed, WrongState
from portal.services import audit
from portal.services.notify import notify

MAX_TEXT = 2000


def awaiting_rating(queryset=None):
    """待评价: closed demands without a rating (the company's workspace filters its own)."""
    queryset = Demand.objects.all() if queryset is None else queryset
    return queryset.filter(status=DemandStatus.CLOSED, rating__isnull=True)


def rate(demand, *, actor, level: str, text: str = "", now=None, request=None) -> DemandRating:
    now = now or timezone.now()
    text = (text or "").strip()
    if level not in RatingLevel.values:
        raise DomainError(_("Choose one of the five levels, from very satisfied to very dissatisfied."))
    if len(text) > MAX_TEXT:
        raise DomainError(_("The comment is too long: at most %(max)d characters.") % {"max": MAX_TEXT})
    with transaction.atomic():
        demand = (Demand.objects.select_for_update(of=("self",)).select_related("enterprise__leader", "owner")
                  .get(pk=demand.pk))
        if not is_company_member(actor, demand.enterprise):
            raise NotAllowed(_("Only a member of %(enterprise)s can rate how its demand was handled.")
                             % {"enterprise": demand.enterprise})
        if demand.status != DemandStatus.CLOSED:
            raise WrongState(_("A demand is rated once it is closed off."))
        try:
            with transaction.atomic():
                rating = DemandRating.objects.create(demand=demand, rater=actor, level=level, text=text,
                                                     rated_at=now)
        except IntegrityError:
            raise WrongState(_("You have already rated this; a rating cannot be changed.")) from None
        audit.record("demand.rated", actor=actor, subject=demand, request=request,
                     summary=f"{demand.reference} {level}", data={"level": level})
        if rating.is_bad:
            notify([demand.owner, demand.enterprise.leader], kind="demand_bad_review",
                   title=_("Bad review of demand %(ref)s: %(level)s")
                   % {"ref": demand.reference, "level": rating.get_level_display()},
                   body=text, link=demand_link(demand), key=f"demand_rating:{rating.pk}:bad")
    return rating
