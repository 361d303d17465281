"""Item reviews: what the department inbox and the application detail show, and the review actions' input."""

from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.api.serializers.common import (
    LIGHTS, DepartmentRefSerializer, EnterpriseRefSerializer, ItemRefSerializer, choice_field, datetime_out,
)
from approvals.models import Decision, DecisionSignature, ItemReview, PauseKind, ReviewPause, ReviewStatus
from approvals.services.progress import review_clock


def _now(serializer):
    return serializer.context.get("now") or timezone.now()


def _texts() -> dict:
    """The status and decision labels in the active language, translated once per language."""
    return _labels(get_language())


@lru_cache(maxsize=16)
def _labels(language) -> dict:
    return {"status": {value: str(label) for value, label in ReviewStatus.choices},
            "decision": {value: str(label) for value, label in Decision.choices}}


def _clock(serializer, review):
    """The review's ClockView, computed once per review and serializer run."""
    cache = serializer.context.setdefault("_clocks", {})
    if review.pk not in cache:
        cache[review.pk] = review_clock(review, now=_now(serializer))
    return cache[review.pk]


class PauseSerializer(serializers.ModelSerializer):
    kind = choice_field(PauseKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ReviewPause
        fields = ["kind", "kind_label", "reason", "expected_days", "started_at", "ended_at"]


def _pause(pause) -> dict:
    """PauseSerializer's fields, written out (tests/approvals/api/test_review_output.py compares them)."""
    return {"kind": str(pause.kind), "kind_label": str(pause.get_kind_display()), "reason": str(pause.reason),
            "expected_days": pause.expected_days, "started_at": datetime_out(pause.started_at),
            "ended_at": datetime_out(pause.ended_at)}


class ExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(source="extension_days")
    reason = serializers.CharField(source="extension_reason")
    approved_by = serializers.CharField(source="extended_by.display_name")
    at = serializers.DateTimeField(source="extended_at")


class SignatureSerializer(serializers.ModelSerializer):
    decision = choice_field(Decision, read_only=True)
    class Meta:
        model = DecisionSignature
        fields = ["signer_name", "signed_at", "decision", "content_sha256", "second_factor"]


class StageRefSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    """One item review with its clock (due time, light, remaining working time), pauses and signature."""

    item = ItemRefSerializer()
    department = DepartmentRefSerializer()
    stage = StageRefSerializer()
    status = choice_field(ReviewStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display")
    proposed_decision = choice_field(Decision, read_only=True, allow_blank=True)
    decision = choice_field(Decision, read_only=True, allow_blank=True)
    decision_label = serializers.CharField(source="get_decision_display")
    light = serializers.SerializerMethodField()
    remaining_seconds = serializers.SerializerMethodField()
    remaining_text = serializers.SerializerMethodField()
    calendar_published = serializers.SerializerMethodField()
    extension = serializers.SerializerMethodField()
    pauses = PauseSerializer(many=True, read_only=True)
    signature = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.display_name", default=None, allow_null=True)

    class Meta:
        model = ItemReview
        fields = [
            "id", "item", "department", "stage", "status", "status_label", "started_at", "limit_days",
            "legal_limit_days", "due_at", "legal_due_at", "light", "remaining_seconds", "remaining_text",
            "calendar_published", "extension", "pauses", "opinion", "proposed_decision", "decision", "decision_label",
            "reasons", "remedy_notice", "decided_by", "decided_at", "on_commitment", "verify_after", "revoked_at",
            "revocation_reason", "signature",
        ]

    def to_representation(self, review):
        """The declared fields, written out for speed: DRF's generic walk over some thirty fields and five nested
        serializers costs about a millisecond per review, most of an inbox page. The declared fields stay the
        definition (and the schema): tests/approvals/api/test_review_output.py checks, review by review in every
        state, that this equals DRF's generic rendering of them."""
        clock = _clock(self, review)
        texts = _texts()
        item, department, stage = review.item, review.department, review.stage
        pauses = getattr(review, "pause_list", None)  # the inbox loads a page's pauses in one query
        if pauses is None:
            pauses = review.pauses.all()
        decided_by = review.decided_by
        status, decision, proposed = review.status, review.decision, review.proposed_decision
        return {
            "id": review.pk,
            "item": {"code": item.code, "name": item.name, "department": item.department.code},
            "department": {"code": department.code, "name": department.name},
            "stage": {"order": stage.order, "name": stage.name},
            "status": str(status),
            "status_label": texts["status"][str(status)],
            "started_at": datetime_out(review.started_at),
            "limit_days": review.limit_days,
            "legal_limit_days": review.legal_limit_days,
            "due_at": datetime_out(review.due_at),
            "legal_due_at": datetime_out(review.legal_due_at),
            "light": clock.light,
            "remaining_seconds": clock.remaining_seconds,
            "remaining_text": clock.remaining_text,
            "calendar_published": clock.calendar_published,
            "extension": self.get_extension(review),
            "pauses": [_pause(pause) for pause in pauses],
            "opinion": str(review.opinion),
            "proposed_decision": str(proposed),
            "decision": str(decision),
            "decision_label": texts["decision"].get(str(decision), ""),
            "reasons": str(review.reasons),
            "remedy_notice": str(review.remedy_notice),
            "decided_by": None if decided_by is None else decided_by.display_name,
            "decided_at": datetime_out(review.decided_at),
            "on_commitment": bool(review.on_commitment),
            "verify_after": bool(review.verify_after),
            "revoked_at": datetime_out(review.revoked_at),
            "revocation_reason": str(review.revocation_reason),
            "signature": self.get_signature(review),
        }

    @extend_schema_field(serializers.ChoiceField(choices=LIGHTS))
    def get_light(self, review):
        return _clock(self, review).light

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_remaining_seconds(self, review):
        return _clock(self, review).remaining_seconds

    @extend_schema_field(serializers.CharField())
    def get_remaining_text(self, review):
        return _clock(self, review).remaining_text

    @extend_schema_field(serializers.BooleanField(
        help_text="False while a year up to the (legal) due time has no published holiday schedule: counted Monday "
                  "to Friday there, recomputed when the schedule is published."))
    def get_calendar_published(self, review):
        return _clock(self, review).calendar_published

    @extend_schema_field(ExtensionSerializer(allow_null=True))
    def get_extension(self, review):
        """ExtensionSerializer's fields, written out (tests/approvals/api/test_review_output.py)."""
        if not review.extension_days:
            return None
        return {"days": review.extension_days, "reason": str(review.extension_reason),
                "approved_by": str(review.extended_by.display_name), "at": datetime_out(review.extended_at)}

    @extend_schema_field(SignatureSerializer(allow_null=True))
    def get_signature(self, review):
        try:
            signature = review.signature
        except DecisionSignature.DoesNotExist:
            return None
        return SignatureSerializer(signature).data


class ApplicationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    enterprise = EnterpriseRefSerializer()


class InboxReviewSerializer(ReviewSerializer):
    """A review as the department inbox lists it: with the application it belongs to."""

    application = ApplicationRefSerializer()

    class Meta(ReviewSerializer.Meta):
        fields = ["application", *ReviewSerializer.Meta.fields]

    def to_representation(self, review):
        application = review.application
        enterprise = application.enterprise
        return {"application": {"id": application.pk, "reference": str(application.reference),
                                "title": str(application.title), "status": str(application.status),
                                "enterprise": {"credit_code": str(enterprise.credit_code),
                                               "name": str(enterprise.name)}},
                **super().to_representation(review)}


class LightCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    paused = serializers.IntegerField()
    waiting = serializers.IntegerField()
    done = serializers.IntegerField()


# --- input: shape only --------------------------------------------------------------------------------------
class OpinionInputSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=5000)
    proposed_decision = choice_field(Decision)


class SuspendInputSerializer(serializers.Serializer):
    kind = choice_field(PauseKind)
    reason = serializers.CharField(max_length=2000)
    expected_days = serializers.IntegerField(help_text="Expected length in working days, told to the applicant.")


class ExtendInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="Working days (at most 10; 15 for joint handling).")
    reason = serializers.CharField(max_length=2000)


class ApproveInputSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class RefuseInputSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)
    remedy_notice = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                          help_text="Notice of reconsideration and litigation; a default is used "
                                                    "when blank.")


class SignInputSerializer(serializers.Serializer):
    otp = serializers.CharField(max_length=8, help_text="A fresh 6-digit TOTP code, entered for this signature.")


class BatchSignInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1,
                                max_length=200,
                                help_text="The reviews to sign with one code; all are signed or none.")
    otp = serializers.CharField(max_length=8, help_text="A fresh 6-digit TOTP code, entered for this signature.")


class BatchSignOutputSerializer(serializers.Serializer):
    signed = ReviewSerializer(many=True)
