"""好差评 of a closed demand (诉求): the company rates the park's handling once; nobody changes or deletes it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import BAD_LEVELS, RatingIsFinal, RatingLevel


class DemandRatingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RatingIsFinal("Ratings cannot be changed.")

    def delete(self):
        raise RatingIsFinal("Ratings cannot be deleted.")


class DemandRating(models.Model):
    demand = models.OneToOneField("agents.Demand", verbose_name=_("demand"), on_delete=models.PROTECT,
                                  related_name="rating")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT,
                              related_name="+")
    level = models.CharField(_("rating"), max_length=24, choices=RatingLevel.choices)
    text = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), db_index=True)

    objects = DemandRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand rating")
        verbose_name_plural = _("demand ratings")
        ordering = ["-rated_at", "-id"]

    def __str__(self):
        return f"{self.demand_id}: {self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RatingIsFinal("Ratings cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RatingIsFinal("Ratings cannot be deleted.")
