"""REST API of 好差评 and supervision: /api/v1/ratings/, /rectifications/, /pain-points/, /metrics/.

Thin: serializers check the shape, the services (`ratings`, `rectifications`, `pain_points`) apply the rules and
raise domain errors, which the API's one exception handler turns into 400/403/409 with a readable message.
A rating has no update and no delete (405): nobody changes a rating.
"""

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import aggregates, metrics
from approvals.api.applications import checked, responses
from approvals.api.serializers.common import LIGHTS, DepartmentRefSerializer, ItemRefSerializer, choice_field
from approvals.api.serializers.reviews import ApplicationRefSerializer
from approvals.models import (
    Application, Criterion, PainPoint, PainPointStatus, Rating, RatingLevel, RectificationCase, RectificationOutcome,
    RectificationStatus, ServiceItem,
)
from approvals.services import pain_points, ratings, rectifications
from approvals.services.permissions import OVERSEEING_ROLES


# --- ratings -------------------------------------------------------------------------------------------------
class RatingSerializer(serializers.ModelSerializer):
    application = ApplicationRefSerializer()
    item = ItemRefSerializer(allow_null=True)
    department = DepartmentRefSerializer()
    level = choice_field(RatingLevel)
    level_label = serializers.CharField(source="get_level_display")
    overall = choice_field(RatingLevel, allow_blank=True)
    efficiency = choice_field(RatingLevel, allow_blank=True)
    guide_accuracy = choice_field(RatingLevel, allow_blank=True)
    convenience = choice_field(RatingLevel, allow_blank=True)
    usability = choice_field(RatingLevel, allow_blank=True)
    has_rectification = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["id", "application", "item", "department", "level", "level_label", *Criterion.values, "text",
                  "rated_at", "has_rectification"]

    def get_has_rectification(self, rating) -> bool:
        return rating.is_bad


class RateInputSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    item = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text="An item code of the application; empty: the bundle as a whole.")
    level = choice_field(RatingLevel)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    overall = choice_field(RatingLevel, required=False, allow_blank=True, default="")
    efficiency = choice_field(RatingLevel, required=False, allow_blank=True, default="")
    guide_accuracy = choice_field(RatingLevel, required=False, allow_blank=True, default="")
    convenience = choice_field(RatingLevel, required=False, allow_blank=True, default="")
    usability = choice_field(RatingLevel, required=False, allow_blank=True, default="")


@extend_schema(tags=["ratings"])
class RatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """好差评: the applicant rates a decided bundle and each of its items once; departments and supervisors read."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = Rating.objects.none()
    serializer_class = RatingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        qs = Rating.objects.visible_to(self.request.user).select_related(
            "application__enterprise", "item__department", "department")
        level = self.request.query_params.get("level")
        if level == "bad":
            qs = qs.bad()
        elif level:
            qs = qs.filter(level=level)
        return qs

    @extend_schema(summary="Rate a decided application (the bundle, or one item): once, by the applicant",
                   request=RateInputSerializer, responses=responses(ok=RatingSerializer, ok_status=201))
    def create(self, request):
        data = checked(RateInputSerializer, request)
        application = Application.objects.visible_to(request.user).filter(pk=data["application"]).first()
        if application is None:
            raise ValidationError({"application": [_("No such application.")]})
        item = None
        if data["item"]:
            item = ServiceItem.objects.filter(code=data["item"]).first()
            if item is None:
                raise ValidationError({"item": [_("No such item.")]})
        rating = ratings.rate(application, actor=request.user, level=data["level"], item=item, text=data["text"],
                              criteria={key: data[key] for key in Criterion.values}, request=request)
        return Response(RatingSerializer(self.get_queryset().get(pk=rating.pk)).data, status=201)


# --- rectifications ------------------------------------------------------------------------------------------
class RectificationSerializer(serializers.ModelSerializer):
    application = ApplicationRefSerializer()
    department = DepartmentRefSerializer()
    rating = RatingSerializer()
    status = choice_field(RectificationStatus)
    outcome = choice_field(RectificationOutcome, allow_blank=True)
    fix_level = choice_field(RatingLevel, allow_blank=True)
    light = serializers.ChoiceField(choices=LIGHTS, read_only=True)

    class Meta:
        model = RectificationCase
        fields = ["id", "application", "department", "rating", "status", "light", "opened_at", "callback_due_at",
                  "due_at", "called_back_at", "callback_note", "resolved_at", "outcome", "outcome_note", "fix_level",
                  "fix_rated_at", "recheck_due_at", "rechecked_at", "recheck_note"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class RectificationOutcomeSerializer(NoteSerializer):
    outcome = choice_field(RectificationOutcome)


class LevelSerializer(serializers.Serializer):
    level = choice_field(RatingLevel)


LIGHT_PARAM = OpenApiParameter("light", str, enum=["green", "yellow", "red", "done"], description="Only this light.")


@extend_schema(tags=["ratings"])
class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """整改 of bad reviews: the department calls back, rectifies and re-checks; the complainant rates the fix."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = RectificationCase.objects.none()
    serializer_class = RectificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RectificationCase.objects.none()
        qs = (RectificationCase.objects.visible_to(self.request.user).with_light(timezone.now())
              .select_related("application__enterprise", "department", "rating__item__department",
                              "rating__department", "rating__application__enterprise"))
        light = self.request.query_params.get("light")
        return qs.filter(light=light) if light else qs

    @extend_schema(summary="Rectification cases, soonest due first", parameters=[LIGHT_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _answer(self, case):
        return Response(RectificationSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(summary="Record the call-back (回访)", request=NoteSerializer,
                   responses=responses(ok=RectificationSerializer))
    @action(detail=True, methods=["post"], url_path="call-back")
    def call_back(self, request, pk=None):
        case = self.get_object()  # a case the caller cannot see is a 404 before the body is looked at
        data = checked(NoteSerializer, request)
        return self._answer(rectifications.call_back(case, actor=request.user, note=data["note"],
                                                     request=request))

    @extend_schema(summary="Record the outcome: rectified, explained or appeal upheld",
                   request=RectificationOutcomeSerializer,
                   responses=responses(ok=RectificationSerializer))
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        case = self.get_object()
        data = checked(RectificationOutcomeSerializer, request)
        return self._answer(rectifications.resolve(case, actor=request.user, outcome=data["outcome"],
                                                   note=data["note"], request=request))

    @extend_schema(summary="The complainant rates the fix (once)", request=LevelSerializer,
                   responses=responses(ok=RectificationSerializer))
    @action(detail=True, methods=["post"], url_path="rate-fix")
    def rate_fix(self, request, pk=None):
        case = self.get_object()
        data = checked(LevelSerializer, request)
        return self._answer(rectifications.rate_fix(case, actor=request.user, level=data["level"],
                                                    request=request))

    @extend_schema(summary="Record the 回头看 re-check (from a month after the outcome)", request=NoteSerializer,
                   responses=responses(ok=RectificationSerializer))
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        case = self.get_object()
        data = checked(NoteSerializer, request)
        return self._answer(rectifications.recheck(case, actor=request.user, note=data["note"],
                                                   request=request))


# --- pain points ---------------------------------------------------------------------------------------------
class PainPointSerializer(serializers.ModelSerializer):
    application = ApplicationRefSerializer(allow_null=True)
    item = ItemRefSerializer(allow_null=True)
    flagged_by = serializers.CharField(source="flagged_by.display_name")
    status = choice_field(PainPointStatus)
    light = serializers.ChoiceField(choices=LIGHTS, read_only=True)

    class Meta:
        model = PainPoint
        fields = ["id", "application", "item", "flagged_by", "flagged_at", "description", "status", "light",
                  "due_at", "answer", "answered_at"]


class FlagSerializer(serializers.Serializer):
    application = serializers.IntegerField(required=False, allow_null=True, default=None)
    item = serializers.CharField(required=False, allow_blank=True, default="", help_text="An item code.")
    description = serializers.CharField(max_length=5000)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


@extend_schema(tags=["ratings"])
class PainPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """痛点堵点: flagged by supervisors and leaders on an application or an item, answered by the administrators."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = PainPoint.objects.none()
    serializer_class = PainPointSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PainPoint.objects.none()
        return (PainPoint.objects.visible_to(self.request.user).with_light(timezone.now())
                .select_related("application__enterprise", "item__department", "flagged_by"))

    @extend_schema(summary="Flag a pain point on an application or an item", request=FlagSerializer,
                   responses=responses(ok=PainPointSerializer, ok_status=201))
    def create(self, request):
        data = checked(FlagSerializer, request)
        application = item = None
        if data["application"]:
            application = Application.objects.visible_to(request.user).filter(pk=data["application"]).first()
            if application is None:
                raise ValidationError({"application": [_("No such application.")]})
        if data["item"]:
            item = ServiceItem.objects.filter(code=data["item"]).first()
            if item is None:
                raise ValidationError({"item": [_("No such item.")]})
        point = pain_points.flag(actor=request.user, application=application, item=item,
                                 description=data["description"], request=request)
        return Response(PainPointSerializer(self.get_queryset().get(pk=point.pk)).data, status=201)

    @extend_schema(summary="The administrator's answer", request=AnswerSerializer,
                   responses=responses(ok=PainPointSerializer))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        point = self.get_object()  # a pain point the caller cannot see is a 404 before the body is looked at
        data = checked(AnswerSerializer, request)
        point = pain_points.answer(point, actor=request.user, text=data["answer"], request=request)
        return Response(PainPointSerializer(self.get_queryset().get(pk=point.pk)).data)


# --- metrics -------------------------------------------------------------------------------------------------
class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True, help_text="A count, a rate between 0 and 1, days, yuan; "
                                                             "null when there is nothing to divide.")
    unit = serializers.CharField()
    definition = serializers.CharField(help_text="Where the figure is defined (docs/metrics.md#anchor).")
    source = serializers.ChoiceField(choices=["live", "aggregate"], help_text=(
        "live: computed at the request; aggregate: read from the aggregate tables as of aggregates_refreshed_at."))


class PackageSavingsSerializer(serializers.Serializer):
    """One bundle of the package against filing its items one by one (docs/metrics.md#package-savings)."""

    code = serializers.CharField()
    name = serializers.CharField()
    fields_item_by_item = serializers.IntegerField()
    fields_bundled = serializers.IntegerField()
    fields_saved = serializers.IntegerField()
    materials_item_by_item = serializers.IntegerField()
    materials_bundled = serializers.IntegerField()
    materials_saved = serializers.IntegerField()
    steps_item_by_item = serializers.IntegerField(help_text="Items: filed one after the other.")
    steps_bundled = serializers.IntegerField(help_text="Stages: the items of a stage run in parallel.")
    steps_saved = serializers.IntegerField()
    days_item_by_item = serializers.IntegerField(help_text="Σ the items' promised working days.")
    days_bundled = serializers.IntegerField(help_text="Σ the stages' promised working days.")
    days_saved = serializers.IntegerField()
    applications = serializers.IntegerField(help_text="Bundles of the package received in the period.")


class MetricsSerializer(serializers.Serializer):
    filters = serializers.DictField()
    computed_at = serializers.DateTimeField()
    aggregates_refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the aggregate tables were last refreshed (null: never; every figure live).")
    figures = FigureSerializer(many=True)
    packages = PackageSavingsSerializer(many=True, help_text="Per bundle type (package): what one bundle saves.")


def parse_moment(value, *, name):
    """An ISO date (the start of that day, Asia/Shanghai) or date-time; a clear 400 otherwise."""
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]})
        from datetime import datetime, time

        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_id(value, *, name):
    if not value:
        return None
    if not str(value).isdigit():
        raise ValidationError({name: [_("Give the number (id) of the %(name)s.") % {"name": name}]})
    return int(value)


def filters_from(params) -> metrics.Filters:
    """The dashboard's and the API's filters from a query string; a bad value is a 400 with its field."""
    try:
        start = parse_moment(params.get("from"), name="from")
        end = parse_moment(params.get("to"), name="to")
    except ValueError:
        raise ValidationError({"from": [_("Give a date as YYYY-MM-DD.")]}) from None
    if start and end and end <= start:
        raise ValidationError({"to": [_("The end of the period must come after its start.")]})
    return metrics.Filters(start=start, end=end, **{name: parse_id(params.get(name), name=name)
                                                    for name in ("department", "item", "package", "park")})


METRIC_PARAMS = [
    OpenApiParameter("from", str, description="Start of the period (YYYY-MM-DD, included)."),
    OpenApiParameter("to", str, description="End of the period (YYYY-MM-DD, excluded)."),
    *[OpenApiParameter(name, int, description=f"Only this {name} (id).")
      for name in ("department", "item", "package", "park")],
]


class MetricsReaders(IsAuthenticated):
    message = "The supervision figures are for leaders, administrators and supervisors."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.role in OVERSEEING_ROLES


@extend_schema(tags=["metrics"])
class MetricsView(APIView):
    permission_classes = [MetricsReaders]

    @extend_schema(summary="Every supervision figure, each with its definition (docs/metrics.md)",
                   parameters=METRIC_PARAMS, responses=MetricsSerializer)
    def get(self, request):
        f = filters_from(request.query_params)
        now = timezone.now()
        figures = [{"key": fig.key, "label": str(fig.label), "value": fig.value, "unit": fig.unit,
                    "definition": fig.definition, "source": fig.source} for fig in metrics.figures(f, now=now)]
        refreshed = aggregates.last_refresh()
        return Response(MetricsSerializer({
            "filters": f.as_params(), "computed_at": now, "figures": figures, "packages": metrics.package_savings(f),
            "aggregates_refreshed_at": refreshed.finished_at if refreshed else None}).data)
