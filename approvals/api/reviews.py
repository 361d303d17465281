"""REST API of item reviews: /api/v1/reviews/ — the department inbox and the review actions.

Thin, like the applications API: shape checks here, rules in approvals.services.reviews. Another department's
review answers 404 (not visible); a visible review whose action the caller may not take answers 403.
"""

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from approvals.api.applications import (
    NOT_FOUND, accept_application, checked, refuse_acceptance_of, request_supplement_of, responses,
)
from approvals.api.permissions import visible_reviews
from approvals.api.serializers import applications as app_s
from approvals.api.serializers import reviews as s
from approvals.api.serializers.common import LIGHTS
from approvals.models import ItemReview, ReviewPause, ReviewStatus
from approvals.models.reviews import OPEN_REVIEW_STATES
from approvals.services import reviews as review_services
from portal.paging import CountedPageNumberPagination, rows_in_order


def review_responses(ok=s.InboxReviewSerializer):
    return responses(ok=ok)


class InboxPagination(CountedPageNumberPagination):
    """Page-number pagination plus the number of reviews per light (before the `light` filter); the total is the
    sum of the counts of the lights asked for, so the list is not counted twice."""

    counts: dict | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["counts"] = self.counts or {}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["counts"] = {
            "type": "object", "description": "Reviews per light, over the status and department filters.",
            "properties": {light: {"type": "integer"} for light in LIGHTS}, "required": LIGHTS,
        }
        paginated.setdefault("required", []).append("counts")
        return paginated


STATUS_PARAM = OpenApiParameter(
    "status", str, many=True, enum=["open", "all", "opinion_ready", *ReviewStatus.values],
    description="Only these statuses (repeat or separate by commas). Default `open`: under review, suspended, "
                "or decided and waiting for the signature. `all` lists every status. `opinion_ready` (拟办意见已出): "
                "under review with the staff opinion and proposed decision ready for the chief.")
LIGHT_PARAM = OpenApiParameter("light", str, many=True, enum=LIGHTS,
                               description="Only reviews with these lights (repeat or separate by commas).")
DEPARTMENT_PARAM = OpenApiParameter("department", str,
                                    description="Department code (leaders, administrators and supervisors, who "
                                                "see every department).")


def _values(request, name):
    return [v for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()]


@extend_schema(tags=["reviews"])
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The inbox of the caller's department, ordered by due time, with lights and counts; and the review actions."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    serializer_class = s.InboxReviewSerializer
    pagination_class = InboxPagination
    queryset = ItemReview.objects.none()  # narrowed per user in get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ItemReview.objects.none()
        return self._with_related(visible_reviews(self.request.user))

    RELATED = ("application__enterprise", "item__department", "department", "stage", "decided_by", "extended_by",
               "signature")

    @classmethod
    def _with_related(cls, reviews):
        # The pauses in their own order: the model's default ordering (by review) would join the review's own
        # ordering (application, stage, department, item) into every prefetch.
        return (reviews.select_related(*cls.RELATED)
                .prefetch_related(Prefetch("pauses", queryset=ReviewPause.objects.order_by("started_at", "id"))))

    @staticmethod
    def _attach_pauses(reviews):
        """Each review's pauses as `pause_list`, in one query for the page (what the prefetch above gives, without
        Django's per-row queryset clone of a prefetch, a third of an inbox page's ORM time)."""
        by_review = {review.pk: [] for review in reviews}
        if by_review:
            for pause in ReviewPause.objects.filter(review_id__in=list(by_review)).order_by("started_at", "id"):
                by_review[pause.review_id].append(pause)
        for review in reviews:
            review.pause_list = by_review[review.pk]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _filtered(self, request):
        """The reviews after the status/department filters, ordered by due time (a queryset), and `now`."""
        qs = visible_reviews(request.user)
        wanted = _values(request, "status") or ["open"]
        if wanted == ["opinion_ready"]:
            qs = qs.opinion_ready()
        elif "all" not in wanted:
            statuses = set(wanted) - {"open"} | ({str(v) for v in OPEN_REVIEW_STATES} if "open" in wanted else set())
            qs = qs.filter(status__in=statuses)
        if request.query_params.get("department"):
            qs = qs.filter(department__code=request.query_params["department"])
        return qs.order_by(F("due_at").asc(nulls_last=True), "id"), timezone.now()

    @extend_schema(summary="The department's inbox, ordered by due time",
                   description="Every review of the caller's department (leaders, administrators and supervisors: "
                               "of every department), soonest due first, with its light and remaining working time. "
                               "`counts` gives the number per light before the `light` filter.",
                   parameters=[STATUS_PARAM, LIGHT_PARAM, DEPARTMENT_PARAM])
    def list(self, request, *args, **kwargs):
        reviews, now = self._filtered(request)
        counts = reviews.light_counts(now)
        lights = set(_values(request, "light"))
        if lights:
            reviews = reviews.filter_light(lights, now)
        self.paginator.counts = counts
        self.paginator.known_count = sum(n for light, n in counts.items() if not lights or light in lights)
        # Ids first (an index-only range scan of the open reviews by due time), then only the page's rows.
        ids = self.paginate_queryset(reviews.values_list("pk", flat=True))
        page = rows_in_order(ItemReview.objects.select_related(*self.RELATED), ids)
        self._attach_pauses(page)
        context = {**self.get_serializer_context(), "now": now}
        return self.get_paginated_response(s.InboxReviewSerializer(page, many=True, context=context).data)

    @extend_schema(summary="Reviews per light in the inbox", parameters=[STATUS_PARAM, DEPARTMENT_PARAM],
                   responses={200: s.LightCountsSerializer})
    @action(detail=False, methods=["get"], pagination_class=None)
    def counts(self, request):
        reviews, now = self._filtered(request)
        return Response(reviews.light_counts(now))

    @extend_schema(summary="One review with its clock, pauses, extension, decision and signature",
                   responses={200: s.InboxReviewSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _review(self, review, status_code=200):
        fresh = self.get_queryset().get(pk=review.pk)
        return Response(s.InboxReviewSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status_code)

    # --- acceptance of the review's application (the bundle's one decision; lead window only) ----------------
    @extend_schema(summary="Accept the review's application (lead window)", request=None,
                   responses=responses())
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return accept_application(request, self.get_object().application)

    @extend_schema(summary="Do not accept the review's application (lead window)",
                   request=app_s.RefuseAcceptanceSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="refuse-acceptance")
    def refuse_acceptance(self, request, pk=None):
        return refuse_acceptance_of(request, self.get_object().application)

    @extend_schema(summary="Request supplements for the review's application (lead window)",
                   request=app_s.RequestSupplementSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, pk=None):
        return request_supplement_of(request, self.get_object().application)

    # --- department work --------------------------------------------------------------------------------------
    @extend_schema(summary="Record the staff opinion and proposed decision", request=s.OpinionInputSerializer,
                   responses=review_responses())
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        review = self.get_object()
        data = checked(s.OpinionInputSerializer, request)
        review_services.record_opinion(review, actor=request.user, opinion=data["opinion"],
                                       proposed_decision=data["proposed_decision"], request=request)
        return self._review(review)

    @extend_schema(summary="Suspend the clock (expert review, hearing, testing ...; Art. 45)",
                   request=s.SuspendInputSerializer, responses=review_responses())
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        review = self.get_object()
        data = checked(s.SuspendInputSerializer, request)
        review_services.suspend(review, actor=request.user, kind=data["kind"], reason=data["reason"],
                                expected_days=data["expected_days"], request=request)
        return self._review(review)

    @extend_schema(summary="Resume a suspended review (its due time moves by the paused working days)", request=None,
                   responses=review_responses())
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        review = self.get_object()
        review_services.resume(review, actor=request.user, request=request)
        return self._review(review)

    @extend_schema(summary="Extend the limit once (leader; Art. 42)", request=s.ExtendInputSerializer,
                   responses=review_responses())
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        review = self.get_object()
        data = checked(s.ExtendInputSerializer, request)
        review_services.extend(review, actor=request.user, days=data["days"], reason=data["reason"],
                               request=request)
        return self._review(review)

    # --- the chief's decision and signature -------------------------------------------------------------------
    @extend_schema(summary="Approve (chief representative); the decision then waits for the signature",
                   request=s.ApproveInputSerializer, responses=review_responses())
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        review = self.get_object()
        data = checked(s.ApproveInputSerializer, request)
        review_services.approve(review, actor=request.user, reasons=data.get("reasons", ""), request=request)
        return self._review(review)

    @extend_schema(summary="Refuse with reasons and the notice of remedies (chief representative; Art. 38)",
                   request=s.RefuseInputSerializer, responses=review_responses())
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        review = self.get_object()
        data = checked(s.RefuseInputSerializer, request)
        review_services.refuse(review, actor=request.user, reasons=data["reasons"],
                               remedy_notice=data.get("remedy_notice", ""), request=request)
        return self._review(review)

    @extend_schema(summary="Sign the decision with a fresh TOTP code (chief representative)",
                   request=s.SignInputSerializer, responses=review_responses())
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        review = self.get_object()
        data = checked(s.SignInputSerializer, request)
        review_services.sign([review], actor=request.user, otp=data["otp"], request=request)
        return self._review(review)

    @extend_schema(operation_id="v1_reviews_sign_batch",
                   summary="Sign several decisions with one fresh TOTP code: all or none",
                   request=s.BatchSignInputSerializer, responses=responses(ok=s.BatchSignOutputSerializer))
    @action(detail=False, methods=["post"], url_path="sign", url_name="sign-batch")
    def sign_batch(self, request):
        return self._batch(request, review_services.sign)

    @extend_schema(operation_id="v1_reviews_decide_and_sign",
                   summary="Decide opinion-ready reviews as the staff proposed and sign them with one TOTP code",
                   description="All or nothing: every review must still be opinion ready (`status=opinion_ready`); "
                               "one decided meanwhile answers 409 naming it, a wrong or used code 403, and nothing "
                               "is decided or signed. The code is used up by the batch.",
                   request=s.BatchSignInputSerializer, responses=responses(ok=s.BatchSignOutputSerializer))
    @action(detail=False, methods=["post"], url_path="decide-and-sign", url_name="decide-and-sign")
    def decide_and_sign(self, request):
        return self._batch(request, review_services.decide_as_proposed_and_sign)

    def _batch(self, request, operation):
        """The batch endpoints: the listed reviews (every one visible to the caller, else 404 naming the others),
        one service operation on all of them with one code, and the reviews as they are afterwards."""
        data = checked(s.BatchSignInputSerializer, request)
        ids = sorted(set(data["ids"]))
        found = list(self.get_queryset().filter(pk__in=ids))
        unknown = sorted(set(ids) - {r.pk for r in found})
        if unknown:
            raise NotFound(_("No such reviews in your department: %(ids)s")
                           % {"ids": ", ".join(str(i) for i in unknown)})
        operation(found, actor=request.user, otp=data["otp"], request=request)
        signed = self.get_queryset().filter(pk__in=ids).order_by("id")
        return Response({"signed": s.ReviewSerializer(signed, many=True, context=self.get_serializer_context()).data},
                        status=status.HTTP_200_OK)
