"""Public calendar API: the working days of a date range, and the due date of an N-working-day limit."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.calendar.loading import get_calendar
from approvals.calendar.workdays import FIRST_DATE, LAST_DATE
from approvals.models import CalendarDay

MAX_RANGE_DAYS = 366
# Ten years of working days: far beyond any legal limit (the longest is 45 + 15), small enough to stay in range.
MAX_WORKING_DAYS = 3650


def _in_range(value):
    if not FIRST_DATE <= value <= LAST_DATE:
        raise serializers.ValidationError(
            _("The calendar covers %(first)s to %(last)s.") % {"first": FIRST_DATE, "last": LAST_DATE}
        )
    return value


_DATE_ERRORS = {
    "invalid": _("Give a date in the form YYYY-MM-DD."),
    "required": _("This parameter is required (YYYY-MM-DD)."),
}


class DaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(error_messages=_DATE_ERRORS, validators=[_in_range])
    end = serializers.DateField(error_messages=_DATE_ERRORS, validators=[_in_range])

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("end must not be before start.")]})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"end": [_("At most %(max)d days can be listed at once.") % {"max": MAX_RANGE_DAYS}]}
            )
        return attrs


class AddWorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(error_messages=_DATE_ERRORS, validators=[_in_range])
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        error_messages={
            "invalid": _("days must be a whole number of working days."),
            "required": _("days is required: the number of working days to add."),
            "min_value": _("days must not be negative."),
            # DRF fills in {max_value} when it raises the error.
            "max_value": _("days must be at most {max_value}: no legal time limit comes near ten years."),
        },
    )


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    kind = serializers.ChoiceField(
        choices=["workday", "rest_day", "holiday", "makeup_workday"],
        help_text="workday (Mon-Fri), rest_day (weekend), holiday (weekday off), makeup_workday (weekend worked).",
    )
    note = serializers.CharField(allow_blank=True, max_length=200)
    published = serializers.BooleanField(help_text="False: the year's schedule is not published; Mon-Fri fallback.")


class CalendarDaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    workdays = serializers.IntegerField(help_text="Working days in the range.")
    published = serializers.BooleanField(help_text="True when every year in the range is published.")
    days = CalendarDaySerializer(many=True)


class AddWorkingDaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due_date = serializers.DateField(help_text="The Nth working day after start (start day not counted).")
    due_at = serializers.DateTimeField(help_text="End of office hours of the due date, with offset.")
    published = serializers.BooleanField(
        help_text="False when a year between start and the due date has no published schedule (Mon-Fri fallback)."
    )


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CalendarDaysView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_days",
        summary="Working days of a date range",
        description=(
            "Each day from start to end (inclusive, at most 366 days): whether it is a working day, its note "
            "(holiday name or why an administrator switched it) and whether its year's schedule is published. "
            "Days of unpublished years fall back to Monday-Friday and have published=false."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="First day, YYYY-MM-DD."),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Last day, YYYY-MM-DD."),
        ],
        responses={200: CalendarDaysSerializer},
        tags=["calendar"],
    )
    def get(self, request):
        params = _validated(DaysQuerySerializer, request)
        start, end = params["start"], params["end"]
        calendar = get_calendar()
        notes = dict(
            CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "note")
        )
        days = []
        d = start
        while d <= end:
            published = calendar.is_published(d.year)
            days.append({
                "date": d,
                "is_workday": calendar.is_workday(d),
                "kind": calendar.day_kind(d),
                "note": notes.get(d, "") if published else "",
                "published": published,
            })
            d += timedelta(days=1)
        payload = {
            "start": start,
            "end": end,
            "workdays": calendar.workdays_in(start, end),
            "published": all(calendar.is_published(y) for y in range(start.year, end.year + 1)),
            "days": days,
        }
        return Response(CalendarDaysSerializer(payload).data)


class AddWorkingDaysView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_add_working_days",
        summary="Due date of an N-working-day limit",
        description=(
            "Counting starts the day after start (行政许可法 Art. 82: 自受理之次日起); the limit ends at the end "
            "of office hours of the Nth working day. days=0 gives start itself if it is a working day, else the "
            "next working day. days must be 0..3650."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="Start day, YYYY-MM-DD."),
            OpenApiParameter("days", OpenApiTypes.INT, required=True, description="Working days, 0..3650."),
        ],
        responses={200: AddWorkingDaysSerializer},
        examples=[
            OpenApiExample(
                "National Day 2026",
                value={"start": "2026-09-30", "days": 1, "due_date": "2026-10-08",
                       "due_at": "2026-10-08T17:30:00+08:00", "published": True},
                response_only=True,
            )
        ],
        tags=["calendar"],
    )
    def get(self, request):
        params = _validated(AddWorkingDaysQuerySerializer, request)
        start, days = params["start"], params["days"]
        calendar = get_calendar()
        try:
            due_at = calendar.add_working_days(start, days)
        except ValueError:
            raise serializers.ValidationError(
                {"days": [_("The due date would fall after %(last)s, the end of the calendar.") % {"last": LAST_DATE}]}
            ) from None
        due_date = due_at.date()
        payload = {
            "start": start,
            "days": days,
            "due_date": due_date,
            "due_at": due_at,
            "published": all(calendar.is_published(y) for y in range(start.year, due_date.year + 1)),
        }
        return Response(AddWorkingDaysSerializer(payload).data)
