"""好差评 of a closed demand (诉求): the company rates the park's handling once; nobody changes or deletes it.
The level, comment, time and the refusals to change or delete are the common `approvals.models.FinalRating`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models.ratings import FinalRating, FinalRatingQuerySet


class DemandRating(FinalRating):
    demand = models.OneToOneField("agents.Demand", verbose_name=_("demand"), on_delete=models.PROTECT,
                                  related_name="rating")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT,
                              related_name="+")

    objects = FinalRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand rating")
        verbose_name_plural = _("demand ratings")
        ordering = ["-rated_at", "-id"]

    def __str__(self):
        return f"{self.demand_id}: {self.level}"
