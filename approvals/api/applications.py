"""REST API of applications (bundles): /api/v1/applications/.

Thin: each endpoint checks the shape of its input, calls ONE service function and answers with the
application's detail. Business rules and permissions live in approvals.services; their errors become
400 / 403 / 409 with a message (portal.api.errors). What the caller cannot see answers 404.
"""

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from approvals.api.serializers import applications as s
from approvals.models import Application, ApplicationStage, ApplicationStatus, Commitment, ServiceItem
from approvals.services import acceptance, applications, delivery, payments
from approvals.services.applications import SubmissionIncomplete
from portal.errors import NotAllowed
from portal.paging import CountedPageNumberPagination
from portal.models.users import Role

ERROR = OpenApiResponse(s.ErrorSerializer, description="A business rule refused: the message says why.")
NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="No such application, or not visible to the caller.")


def responses(ok=s.ApplicationDetailSerializer, ok_status=200, *, incomplete=False):
    """The documented answers of an action: its result, and 400 / 403 / 404 / 409 with a message."""
    bad_request = (OpenApiResponse(s.IncompleteSerializer, description="Invalid input, or the application is "
                                   "incomplete: every form error and missing material at once.")
                   if incomplete else OpenApiResponse(s.ErrorSerializer, description="Invalid input (field errors) "
                                                      "or refused by a business rule."))
    return {ok_status: ok, 400: bad_request, 403: ERROR, 404: NOT_FOUND,
            409: OpenApiResponse(s.ErrorSerializer, description="Wrong state, e.g. a second click.")}


def incomplete_response(error: SubmissionIncomplete) -> Response:
    return Response({"detail": str(error.message), "code": error.code,
                     "form_errors": {k: str(v) for k, v in error.form_errors.items()},
                     "missing_materials": list(error.missing_materials)}, status=status.HTTP_400_BAD_REQUEST)


def checked(serializer_class, request, **kwargs) -> dict:
    """The validated input, or a 400 with field errors."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def material_list(application) -> Response:
    _form_errors, missing = applications.completeness_problems(application)
    current = (application.materials.filter(is_current=True).order_by("material_type__key", "part")
               .select_related("material_type", "uploaded_by").prefetch_related("items"))
    return Response(s.MaterialListSerializer({"materials": current, "missing": missing}).data)


DETAIL_RELATED = ("enterprise", "package", "lead_department", "payment_notice")


def detail_prefetches():
    return (Prefetch("items", queryset=ServiceItem.objects.select_related("department")),
            Prefetch("stages", queryset=ApplicationStage.objects.select_related("lead_department")),
            Prefetch("commitments", queryset=Commitment.objects.select_related("item")),
            Prefetch("reviews", queryset=s.detail_reviews()))


def application_detail(request, application, *, status_code=200, fresh=False) -> Response:
    """The detail of `application`: read again after an action changed it, or, `fresh` (just read by this request
    with DETAIL_RELATED, as `retrieve` does), completed with its prefetches only."""
    now = timezone.now()
    # The reviews are read once, with what their output shows; the light (Application.light_at, the rule of
    # with_light on the loaded row), the calendar check and the reviews' output all use them. Building and compiling
    # with_light's SQL for one row cost more than the evaluation in Python, and the reviews were read anyway.
    if fresh:
        prefetch_related_objects([application], *detail_prefetches())
    else:
        application = (Application.objects.select_related(*DETAIL_RELATED).prefetch_related(*detail_prefetches())
                       .get(pk=application.pk))
    context = {"request": request, "now": now}
    return Response(s.ApplicationDetailSerializer(application, context=context).data, status=status_code)


# --- acceptance by the lead window: shared with reviews/{id}/accept/ etc. ---------------------------------------
def accept_application(request, application) -> Response:
    acceptance.accept(application, actor=request.user, request=request)
    return application_detail(request, application)


def refuse_acceptance_of(request, application) -> Response:
    data = checked(s.RefuseAcceptanceSerializer, request)
    acceptance.refuse_acceptance(application, actor=request.user, reason=data["reason"],
                                 apply_instead_to=data["apply_instead_to"], request=request)
    return application_detail(request, application)


def request_supplement_of(request, application) -> Response:
    data = checked(s.RequestSupplementSerializer, request)
    acceptance.request_supplement(application, actor=request.user, problems=data["problems"], request=request)
    return application_detail(request, application)


@extend_schema(tags=["applications"])
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bundled applications: one form, one set of materials, one acceptance, parallel reviews."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]  # delete: a further material file only
    queryset = Application.objects.none()  # narrowed per user in get_queryset
    pagination_class = CountedPageNumberPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        if self.action == "retrieve":  # read once, with what the detail shows (application_detail, fresh)
            return Application.objects.visible_to(self.request.user).select_related(*DETAIL_RELATED)
        qs = Application.objects.visible_to(self.request.user).select_related("enterprise", "package", "lead_department")
        if self.action == "list":
            qs = qs.with_light(self._now())  # the light of every row in SQL, no per-row queries
            wanted = [v for raw in self.request.query_params.getlist("status") for v in raw.split(",") if v]
            if wanted:
                qs = qs.filter(status__in=wanted)
        return qs.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return s.ApplicationListSerializer if self.action == "list" else s.ApplicationDetailSerializer

    def _now(self):
        """One instant per request: the lights of the list and of the serializer agree."""
        if not hasattr(self, "_request_now"):
            self._request_now = timezone.now()
        return self._request_now

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self._now()}

    @extend_schema(
        summary="List the applications the caller may see",
        description="Applicants see their enterprise's applications, agents those of the enterprises that "
                    "authorised them. Government roles never see a draft: window clerks, staff and chiefs see the "
                    "submitted applications of their department (as lead, or with an item review in it) and the "
                    "pre-reviews asked of it; leaders, administrators and supervisors every submitted one.",
        parameters=[OpenApiParameter("status", str, many=True, enum=ApplicationStatus.values,
                                     description="Only these statuses (repeat or separate by commas).")],
    )
    def list(self, request, *args, **kwargs):
        # The page's rows as plain values written out by s.list_row_output (what ApplicationListSerializer
        # declares), not as model instances with their relations.
        # Counted without the rows' joins (the values of the enterprise, package and department).
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.known_count = queryset.count()
        rows = self.paginate_queryset(s.list_rows(queryset))
        return self.get_paginated_response([s.list_row_output(row) for row in rows])

    @extend_schema(summary="One application with its form, materials, stages, reviews and clocks, fees and "
                           "timeline", responses={200: s.ApplicationDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return application_detail(request, self.get_object(), fresh=True)

    @extend_schema(
        summary="Start a draft from a package or a free choice of items",
        description="Creates the draft (create_draft), then keeps the given form values (save_form). The "
                    "answer's `form_errors` lists what still needs attention.",
        request=s.ApplicationCreateSerializer, responses=responses(ok_status=201),
    )
    def create(self, request, *args, **kwargs):
        data = checked(s.ApplicationCreateSerializer, request)
        user = request.user
        enterprise = data.get("enterprise")
        if enterprise is None:
            if user.role != Role.APPLICANT or user.enterprise is None:
                return Response({"enterprise": [_("Give the credit code of the enterprise you file for.")]},
                                status=status.HTTP_400_BAD_REQUEST)
            enterprise = user.enterprise
        with transaction.atomic():
            application = applications.create_draft(
                actor=user, enterprise=enterprise, package=data.get("package"), item_codes=data.get("items") or (),
                title=data["title"], request=request)
            if data["form"]:
                applications.save_form(application, actor=user, data=data["form"], request=request)
            if data.get("delivery_method"):
                applications.choose_delivery(application, actor=user, method=data["delivery_method"],
                                             address=data.get("delivery_address", ""), request=request)
        return application_detail(request, application, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the form of a draft",
        description="Keeps the typed values (even invalid ones) and answers with the detail, whose "
                    "`form_errors` lists every problem of the form.",
        request=s.ApplicationPatchSerializer, responses=responses(),
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        data = checked(s.ApplicationPatchSerializer, request)
        with transaction.atomic():
            if "form" in data:
                applications.save_form(application, actor=request.user, data=data["form"], request=request)
            if data.get("delivery_method"):
                applications.choose_delivery(application, actor=request.user, method=data["delivery_method"],
                                             address=data.get("delivery_address", ""), request=request)
        return application_detail(request, application)

    # --- materials ----------------------------------------------------------------------------------------
    @extend_schema(methods=["GET"], summary="The current materials (uploaded or on file) and what is missing",
                   responses={200: s.MaterialListSerializer, 404: NOT_FOUND})
    @extend_schema(
        methods=["POST"], summary="Upload one file of a material (multipart)",
        description="The file is checked by its content (PDF, PNG or JPEG; size and page limits), stored once "
                    "with its SHA-256 and linked to every item that needs it. A rejected file answers 400 with "
                    "the reason and changes nothing. A material may have several files, as in the web form (a "
                    "plan and its photos): the first upload is its main file (`part` 1) and replaces it as a new "
                    "version when sent again; `add=true` adds a further file (`part` 2, 3, ...); `part=N` replaces "
                    "that further file. Further files are taken back with DELETE "
                    "`materials/{material_type}/{part}/`.",
        request={"multipart/form-data": s.MaterialUploadSerializer},
        responses=responses(ok=s.MaterialSerializer, ok_status=201),
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        application = self.get_object()
        if request.method == "GET":
            return material_list(application)
        data = checked(s.MaterialUploadSerializer, request)
        material = applications.upload_material(application, actor=request.user,
                                                material_type_key=data["material_type"], uploaded=data["file"],
                                                add=data["add"], part=data["part"], request=request)
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take back a further file of a material",
        description="Removes file `part` (2 and up) of the material from the application; it stays in the "
                    "history. The main file (`part` 1) is replaced by uploading, never removed. Answers with the "
                    "current materials.",
        parameters=[OpenApiParameter("material_type", str, OpenApiParameter.PATH, description="Key of the "
                                     "material type."),
                    OpenApiParameter("part", int, OpenApiParameter.PATH, description="The file to take back.")],
        request=None, responses=responses(ok=s.MaterialListSerializer),
    )
    @action(detail=True, methods=["delete"], url_path=r"materials/(?P<material_type>[^/.]+)/(?P<part>[0-9]{1,4})",
            url_name="material-part")
    def remove_material_part(self, request, pk=None, material_type=None, part=None):
        application = self.get_object()
        applications.remove_material_part(application, actor=request.user, material_type_key=material_type,
                                          part=int(part), request=request)
        return material_list(application)

    # --- the applicant's actions --------------------------------------------------------------------------
    @extend_schema(summary="Submit formally (the 5-working-day acceptance clock starts)",
                   description="Only with the truthfulness declaration (信用承诺): `declaration` must be true, "
                               "otherwise 400 with a field error that says so and nothing changes.",
                   request=s.SubmitSerializer, responses=responses(incomplete=True))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        data = checked(s.SubmitSerializer, request)
        try:
            applications.submit(application, actor=request.user, declared=data["declaration"], request=request)
        except SubmissionIncomplete as error:
            return incomplete_response(error)
        return application_detail(request, application)

    @extend_schema(summary="Answer the supplement notice",
                   description="Upload the listed materials first; `form` carries the new values of the listed "
                               "fields (and only those).",
                   request=s.SupplementAnswerSerializer, responses=responses(incomplete=True))
    @action(detail=True, methods=["post"])
    def supplement(self, request, pk=None):
        application = self.get_object()
        data = checked(s.SupplementAnswerSerializer, request)
        try:
            acceptance.answer_supplement(application, actor=request.user, form=data["form"],
                                         at_window=request.user.role == Role.CLERK, request=request)
        except SubmissionIncomplete as error:
            return incomplete_response(error)
        return application_detail(request, application)

    @extend_schema(summary="Withdraw before the decision", request=s.WithdrawSerializer, responses=responses())
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        data = checked(s.WithdrawSerializer, request)
        applications.withdraw(application, actor=request.user, reason=data["reason"], request=request)
        return application_detail(request, application)

    @extend_schema(summary="Ask the lead department for a pre-review of the unsealed drafts", request=None,
                   responses=responses())
    @action(detail=True, methods=["post"], url_path="pre-review")
    def pre_review(self, request, pk=None):
        application = self.get_object()
        applications.request_pre_review(application, actor=request.user, request=request)
        return application_detail(request, application)

    @extend_schema(summary="Answer a pre-review (lead department): every problem at once",
                   request=s.AnswerPreReviewSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="answer-pre-review")
    def answer_pre_review(self, request, pk=None):
        application = self.get_object()
        data = checked(s.AnswerPreReviewSerializer, request)
        applications.answer_pre_review(application, actor=request.user, problems=data["problems"],
                                       comment=data["comment"], request=request)
        return application_detail(request, application)

    @extend_schema(summary="Sign the written commitment (告知承诺) of an item", request=s.CommitmentInputSerializer,
                   responses=responses(ok_status=201))
    @action(detail=True, methods=["post"])
    def commitments(self, request, pk=None):
        application = self.get_object()
        data = checked(s.CommitmentInputSerializer, request)
        applications.sign_commitment(application, actor=request.user, item_code=data["item"],
                                     signer_name=data["signer_name"], request=request)
        return application_detail(request, application, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Removed: the applicant cannot mark fees paid",
        description="Always 403. Fees are paid with the payment code of the payment notice (`fees.payment.code`) "
                    "and confirmed by the finance side: the lead window's clerk (`confirm-payment`) or the "
                    "payment platform's callback (`POST /api/v1/payments/callback/`).",
        deprecated=True, request=None, responses={403: ERROR, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        self.get_object()  # 404 for what the caller cannot see
        raise NotAllowed(_("Fees cannot be marked paid here. Pay with the payment code on the payment notice; "
                           "the payment is confirmed by the finance side (the window or the payment platform)."),
                         code="payment_confirmed_by_finance")

    # --- the lead department's window ---------------------------------------------------------------------
    @extend_schema(summary="Accept the bundle (lead window); the first stage's reviews start", request=None,
                   responses=responses())
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return accept_application(request, self.get_object())

    @extend_schema(summary="Do not accept (lead window): reason and where to apply instead",
                   request=s.RefuseAcceptanceSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="refuse-acceptance")
    def refuse_acceptance(self, request, pk=None):
        return refuse_acceptance_of(request, self.get_object())

    @extend_schema(summary="Request supplements (lead window): every problem in one notice",
                   request=s.RequestSupplementSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, pk=None):
        return request_supplement_of(request, self.get_object())

    @extend_schema(summary="Confirm the payment of the payment notice (the lead window's clerk)",
                   description="Against the payment code on the notice, with the e-receipt number. Before the "
                               "decision, or with nothing to pay, or already paid: 409; a wrong code: 400. "
                               "Refusals are audited.",
                   request=s.ConfirmPaymentSerializer, responses=responses())
    @action(detail=True, methods=["post"], url_path="confirm-payment")
    def confirm_payment(self, request, pk=None):
        application = self.get_object()
        data = checked(s.ConfirmPaymentSerializer, request)
        payments.confirm_at_window(application, actor=request.user, payment_code=data["payment_code"],
                                   receipt_number=data["receipt_number"], request=request)
        return application_detail(request, application)

    @extend_schema(summary="Deliver the results (lead window): electronic, mail with tracking number, or window",
                   request=s.DeliverSerializer, responses=responses())
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        application = self.get_object()
        data = checked(s.DeliverSerializer, request)
        delivery.deliver(application, actor=request.user, method=data.get("method"),
                         tracking_number=data["tracking_number"], request=request)
        return application_detail(request, application)

    @extend_schema(summary="Close a delivered or not-accepted application (lead window)", request=None,
                   responses=responses())
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        application = self.get_object()
        delivery.close(application, actor=request.user, request=request)
        return application_detail(request, application)

