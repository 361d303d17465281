"""Admin for the working-day calendar. Edits go through approvals.services.calendar_days."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.calendar.workdays import DayKind
from approvals.models import CalendarDay, CalendarYear
from approvals.services.calendar_days import publish_year, switch_day, unpublish_year

KIND_LABELS = {
    DayKind.WORKDAY: _("Working day"),
    DayKind.REST_DAY: _("Rest day"),
    DayKind.HOLIDAY: _("Holiday"),
    DayKind.MAKEUP_WORKDAY: _("Make-up working day"),
}


def unpublished_years(today=None) -> list[int]:
    """The current and next year when their schedule is not published."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    published = set(CalendarYear.objects.filter(year__in=wanted, published=True).values_list("year", flat=True))
    return [y for y in wanted if y not in published]


class UnpublishedWarningMixin:
    def changelist_view(self, request, extra_context=None):
        for year in unpublished_years():
            messages.warning(
                request,
                gettext("The holiday schedule for %(year)s is not published yet: working days fall back to "
                        "Monday to Friday.") % {"year": year},
            )
        return super().changelist_view(request, extra_context)


class YearFilter(admin.SimpleListFilter):
    """The calendar opens at the current year (not at 2004, the first seeded year); "all years" on request."""

    title = _("year")
    parameter_name = "year"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(str(y), str(y)) for y in CalendarYear.objects.order_by("-year").values_list("year", flat=True)]

    def value(self):
        value = super().value()
        return str(timezone.localdate().year) if value in (None, "") else value

    def choices(self, changelist):
        yield {"selected": self.value() == self.ALL, "display": _("All years"),
               "query_string": changelist.get_query_string({self.parameter_name: self.ALL})}
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class CalendarDayForm(forms.ModelForm):
    note = forms.CharField(
        label=_("note"), max_length=CalendarDay._meta.get_field("note").max_length, required=True,
        help_text=_("Required: why the day is a working day or a rest day (e.g. the State Council notice)."),
    )

    class Meta:
        model = CalendarDay
        fields = ["is_workday", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.date and not CalendarYear.objects.filter(year=self.instance.date.year,
                                                                  published=True).exists():
            raise forms.ValidationError(
                gettext("The holiday schedule for %(year)s is not published: publish the year before editing "
                        "its days.") % {"year": self.instance.date.year}
            )
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(UnpublishedWarningMixin, admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "is_workday", "kind", "note", "edited_by", "edited_at")
    list_filter = (YearFilter, "is_workday")
    search_fields = ("note", "date")
    date_hierarchy = "date"
    readonly_fields = ("date", "weekday", "kind", "edited_by", "edited_at")
    fields = ("date", "weekday", "kind", "is_workday", "note", "edited_by", "edited_at")
    list_per_page = 62

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        # Django's own translated day names (星期一 … 星期日 in Chinese), not the C locale's "Mon".
        return WEEKDAYS[obj.date.weekday()] if obj.date else ""

    @admin.display(description=_("kind"))
    def kind(self, obj):
        if not obj.date:
            return ""
        weekday = obj.date.weekday() < 5
        if obj.is_workday:
            return KIND_LABELS[DayKind.WORKDAY if weekday else DayKind.MAKEUP_WORKDAY]
        return KIND_LABELS[DayKind.HOLIDAY if weekday else DayKind.REST_DAY]

    def has_add_permission(self, request):
        return False  # every day of a published year exists: publish the year, then edit its days

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        updated = switch_day(obj.date, is_workday=form.cleaned_data["is_workday"], note=form.cleaned_data["note"],
                             actor=request.user)
        obj.edited_by, obj.edited_at = updated.edited_by, updated.edited_at


@admin.register(CalendarYear)
class CalendarYearAdmin(UnpublishedWarningMixin, admin.ModelAdmin):
    list_display = ("year", "published", "source", "note")
    list_filter = ("published",)
    search_fields = ("year", "source", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # unpublish instead: the days stay, the year falls back to Monday-Friday

    def save_model(self, request, obj, form, change):
        # Through the services: every change is audited and a change of publication recomputes the open clocks.
        if obj.published:
            publish_year(obj.year, actor=request.user, source=obj.source, note=obj.note)
        else:
            unpublish_year(obj.year, actor=request.user, source=obj.source, note=obj.note)
