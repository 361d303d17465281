"""The applicant's side of a bundle: draft, one form, one set of materials, commitments, pre-review, submit,
withdraw. One function per business operation; each is atomic, audited and written to the timeline."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import clocks
from approvals.calendar.loading import get_calendar
from approvals.clocks import ACCEPTANCE_DAYS
from approvals.documents import triggers as documents
from approvals.models import (
    Application, ApplicationStatus, Channel, Commitment, DeliveryMethod, EnterpriseDocument, EventKind, FormVersion, MaterialFile,
    MaterialSource, Package, PreReview, ReviewStatus, ServiceItem, StageStatus, Visit, VisitKind,
)
from approvals.notices import Notice, announce
from approvals.services import delegation, fees_charged, locking, material_rules, one_form, permissions, timeline
from approvals.services.bundling import bundle_requirements
from approvals.services.material_rules import Provision
from approvals.services.uploads import check_upload
from portal.errors import DomainError, NotAllowed, WrongState
from portal.models.users import Role

S = ApplicationStatus
# After submission, a material that follows the signed commitment (告知承诺) can still be handed in (补交).
FOLLOW_UP_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.DECIDED, S.DELIVERED, S.CLOSED)


class SubmissionIncomplete(DomainError):
    """Submission refused: carries every problem at once (form errors by key, missing materials)."""

    code = "incomplete"

    def __init__(self, message, *, form_errors=None, missing_materials=None):
        super().__init__(message)
        self.form_errors = form_errors or {}
        self.missing_materials = missing_materials or []


class DeclarationMissing(DomainError):
    """Submission refused: the applicant has not made the truthfulness declaration (信用承诺)."""

    code = "declaration_required"


# The truthfulness declaration (信用承诺) every submission is made under, whoever submits and however.
DECLARATION = gettext_lazy(
    "We declare that the information filled in and the materials submitted are true, accurate and complete. If "
    "anything is false, we accept the legal consequences and that it is recorded in our credit file.")


def acceptance_clock_times(received_at, cal=None):
    """(acceptance_due_at, acceptance_warn_at) of materials received at `received_at`: 5 working days (Art. 32),
    yellow from the warning window before (settings CLOCK_YELLOW_DAYS / CLOCK_YELLOW_FRACTION)."""
    cal = cal or get_calendar()
    due = cal.add_working_days(received_at, ACCEPTANCE_DAYS)
    return due, clocks.warn_at(cal, received_at, ACCEPTANCE_DAYS, due, yellow_days=settings.CLOCK_YELLOW_DAYS,
                               yellow_fraction=settings.CLOCK_YELLOW_FRACTION)


def requirements_of(application):
    return bundle_requirements(list(application.items.all()))


def never_asked_message(bundled) -> str:
    """Why a material is not the applicant's to provide (the rule in material_rules)."""
    name = bundled.material_type.name
    if bundled.issued_in_bundle:
        return _("“%(name)s” is issued by “%(item)s” in this bundle: it is never asked of the applicant.") % {
            "name": name, "item": bundled.issued_by[0].name}
    return _("“%(name)s” is held by the government: it is attached from the records or verified internally by "
             "the reviewing department, never asked of the applicant.") % {"name": name}


# --- creating -------------------------------------------------------------------------------------------
def _resolve_items(package, item_codes):
    if package is not None:
        items = list(ServiceItem.objects.filter(stages__package=package, active=True).distinct())
    else:
        codes = list(dict.fromkeys(item_codes or []))
        items = list(ServiceItem.objects.filter(code__in=codes, active=True).select_related("department"))
        unknown = sorted(set(codes) - {i.code for i in items})
        if unknown:
            raise DomainError(_("Unknown items: %(codes)s") % {"codes": ", ".join(unknown)})
    if not items:
        raise DomainError(_("Choose a package or at least one item."))
    return items


def create_draft(*, actor, enterprise, package: Package | None = None, item_codes=(), title: str = "",
                 now=None, request=None) -> Application:
    """A new draft for `enterprise`, from a package or a free choice of items."""
    now = now or timezone.now()
    items = _resolve_items(package, item_codes)
    agent = None
    if actor.role == Role.APPLICANT:
        if not permissions.acts_for_enterprise(actor, enterprise):
            raise NotAllowed(_("You can only apply for your own enterprise."))
        channel = Channel.ONLINE
    elif actor.role == Role.CLERK:
        channel = Channel.WINDOW
    elif actor.role == Role.AGENT:
        delegation.check(actor, enterprise, items)  # refused with the reason: expired, revoked, out of scope
        channel, agent = Channel.ONLINE, actor
    else:
        raise NotAllowed(_("Only an applicant, an authorised park service agent, or a window clerk for a walk-in "
                           "enterprise can start an application."))
    if package is not None:
        first_stage = package.stages.select_related("lead_department").order_by("order").first()
        lead = first_stage.lead_department
    else:
        lead = items[0].department
    with transaction.atomic():
        application = Application.objects.create(
            reference=f"tmp-{uuid.uuid4().hex[:28]}", enterprise=enterprise, package=package, lead_department=lead,
            title=title.strip() or (package.name if package else "、".join(i.name for i in items))[:200],
            created_by=actor, channel=channel, filed_by_agent=agent,
        )
        application.reference = f"YB{timezone.localdate(now):%Y%m%d}{application.pk:06d}"
        application.save(update_fields=["reference"])
        # A new draft has no items yet: insert the links (`set()` would first read the existing ones).
        Application.items.through.objects.bulk_create(
            [Application.items.through(application=application, serviceitem=item) for item in items])
        requirements = bundle_requirements(items)
        _attach_documents_on_file(application, requirements, now=now)
        _prefill(application, actor, requirements)
        timeline.record(application, EventKind.CREATED, actor=actor, now=now, request=request,
                        message=_("Draft created for %(n)d items.") % {"n": len(items)})
    return application


def prefill_values(application, actor, requirements=None) -> dict:
    """What the portal already knows for the bundle's form: the company's credit code as the builder's and, when
    the company's own applicant starts it, them as the contact. Only fields the bundle asks for."""
    known = {"builder_credit_code": application.enterprise.credit_code}
    if actor.role == Role.APPLICANT:
        known.update({"contact_person": actor.full_name, "contact_phone": actor.phone})
    keys = {b.field.key for b in (requirements or requirements_of(application)).fields}
    return {key: value for key, value in known.items() if key in keys and value}


def _prefill(application, actor, requirements):
    values = prefill_values(application, actor, requirements)
    if values:
        _store_form(application, values, actor=actor, reason="prefilled", new=True)


def _attach_documents_on_file(application, requirements, *, now):
    """Materials the government already holds for the enterprise are attached, not asked for (免提交)."""
    wanted = {m.material_type.pk: m for m in requirements.materials}
    # An expired document is not attached (the applicant uploads a current one); among valid ones the newest
    # wins, undated last on every database (PostgreSQL sorts NULL first in descending order).
    today = timezone.localdate(now)
    documents = (EnterpriseDocument.objects.filter(enterprise=application.enterprise, material_type_id__in=wanted)
                 .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
                 .order_by("material_type_id", F("issued_at").desc(nulls_last=True), "-pk"))
    seen = set()
    for document in documents:
        if document.material_type_id in seen:
            continue
        seen.add(document.material_type_id)
        material = MaterialFile.objects.create(
            application=application, material_type=document.material_type, file=document.file.name,
            source=MaterialSource.ON_FILE, on_file=document, original_name=document.title,
            content_type=document.content_type, size=document.size, pages=document.pages, sha256=document.sha256,
        )
        material.items.set(wanted[document.material_type_id].items)


# --- filling ------------------------------------------------------------------------------------------------
def save_form(application, *, actor, data: dict, request=None) -> dict:
    """Keep the typed values of a draft (even invalid ones) and return the problems, by field key."""
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        if not application.is_editable:
            raise WrongState(_("The form can only be changed while the application is a draft."))
        requirements = requirements_of(application)
        merged = {**application.form_data, **one_form.keep_known(requirements.fields, data)}
        _store_form(application, merged, actor=actor, reason="draft")
    _cleaned, errors = one_form.validate(requirements.fields, merged)
    return errors


def _store_form(application, data, *, actor, reason, new=False):
    """Keep `data` as the form's next version (nothing when it is unchanged and a version exists already).
    `new`: a draft being created, with no version yet."""
    versions = 0 if new else application.form_versions.count()
    if data == application.form_data and versions:
        return
    application.form_data = data
    application.form_version = versions + 1
    application.save(update_fields=["form_data", "form_version", "updated_at"])
    FormVersion.objects.create(application=application, version=application.form_version, data=data,
                               saved_by=actor, reason=reason)


def choose_delivery(application, *, actor, method: str, address: str = "", request=None) -> Application:
    """How the results come back: electronically, by mail (an address is needed) or at the window.

    Chosen with the form (a draft, or the answer to a supplement notice); mail and electronic delivery keep the
    bundle at zero visits."""
    if method not in DeliveryMethod.values:
        raise DomainError(_("Choose how the results are delivered."))
    address = (address or "").strip()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        if application.status not in (S.DRAFT, S.SUPPLEMENT_REQUESTED):
            raise WrongState(_("The delivery method can only be changed while the application is a draft or "
                               "answers a supplement notice."))
        if method == DeliveryMethod.MAIL and not (address or application.delivery_address):
            raise DomainError(_("Mail delivery needs the postal address."))
        application.delivery_method = method
        if address:
            application.delivery_address = address[:255]
        application.save(update_fields=["delivery_method", "delivery_address", "updated_at"])
        timeline.record(application, EventKind.DELIVERY_CHOSEN, actor=actor, request=request,
                        data={"method": method})
    return application


MAX_PARTS = 20  # files making up one material (a plan and its photos)


def upload_material(application, *, actor, material_type_key: str, uploaded, add: bool = False, part: int = 1,
                    request=None) -> MaterialFile:
    """Store one file for a material type of the bundle, once, linked to every item that needs it.

    Allowed on a draft, and during a supplement request for the materials it lists. A rejected file changes
    nothing; a replaced file is kept as an earlier version. `add=True` adds a further file to the material (a
    plan and its photos) instead of replacing its main file; `part` replaces that further file.
    """
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        requirements = requirements_of(application)
        state = next((st for st in material_rules.material_states(application, requirements)
                      if st.key == material_type_key), None)
        if state is None:
            raise DomainError(_("This bundle does not ask for the material “%(key)s”.") % {"key": material_type_key})
        bundled = state.bundled
        if state.never_asked:
            raise DomainError(never_asked_message(bundled))
        if application.status == S.SUPPLEMENT_REQUESTED:
            pending = application.supplement_requests.filter(answered_at__isnull=True).first()
            if pending is None or material_type_key not in pending.material_keys:
                raise WrongState(_("Only the materials listed in the supplement notice can be changed now."))
        elif not application.is_editable and not (state.provision == Provision.AFTER_COMMITMENT
                                                  and application.status in FOLLOW_UP_STATES):
            raise WrongState(_("Materials can only be changed while the application is a draft."))
        checked = check_upload(uploaded, max_pages=bundled.material_type.max_pages)
        current = application.materials.filter(material_type=bundled.material_type, is_current=True)
        if add:
            if not current.exists():
                raise DomainError(_("Upload the main file of this material first."))
            if current.filter(sha256=checked.sha256).exists():
                return current.get(sha256=checked.sha256)  # the same file again: nothing to do
            part = max(m.part for m in current) + 1
            if part > MAX_PARTS:
                raise DomainError(_("A material has at most %(n)d files.") % {"n": MAX_PARTS})
        previous = None if add else current.filter(part=part).first()
        if not add and part != 1 and previous is None:
            raise DomainError(_("This material has no such file to replace."))
        version = 1
        if previous is not None:
            if previous.sha256 == checked.sha256:
                return previous  # the same file again: nothing to do
            version = previous.version + 1
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        material = MaterialFile(
            application=application, material_type=bundled.material_type, source=MaterialSource.UPLOADED,
            original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
            pages=checked.pages, sha256=checked.sha256, version=version, part=part, uploaded_by=actor,
        )
        material.file.save("upload", ContentFile(checked.content), save=False)
        material.save()
        material.items.set(bundled.items)
        timeline.record(application, EventKind.MATERIAL_UPLOADED, actor=actor,
                        message=_("%(material)s, version %(version)d") % {"material": bundled.material_type.name,
                                                                          "version": version},
                        subject=material, request=request,
                        data={"material_type": material_type_key, "version": version, "part": part,
                              "sha256": checked.sha256})
    return material


def remove_material_part(application, *, actor, material_type_key: str, part: int, request=None) -> None:
    """Take back a further file of a material (never its main file: that one is replaced). Kept in the history."""
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        if not application.is_editable:
            raise WrongState(_("Materials can only be changed while the application is a draft."))
        material = application.materials.filter(material_type__key=material_type_key, part=part, part__gt=1,
                                                is_current=True).select_related("material_type").first()
        if material is None:
            raise DomainError(_("This material has no such file to remove."))
        material.is_current = False
        material.save(update_fields=["is_current"])
        timeline.record(application, EventKind.MATERIAL_UPLOADED, actor=actor, request=request, subject=material,
                        message=_("%(material)s: file %(name)s removed") % {
                            "material": material.material_type.name, "name": material.original_name},
                        data={"material_type": material_type_key, "part": part, "removed": True})


def sign_commitment(application, *, actor, item_code: str, signer_name: str, now=None, request=None) -> Commitment:
    """The applicant signs the written commitment of an item that allows 告知承诺."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        if not application.is_editable:
            raise WrongState(_("Commitments are signed while the application is a draft."))
        item = application.items.filter(code=item_code).first()
        if item is None or not item.commitment_allowed:
            raise DomainError(_("This item does not allow a commitment instead of proof."))
        if application.enterprise.false_commitment_recorded:
            raise NotAllowed(_("%(enterprise)s has a recorded false commitment and cannot use 告知承诺; "
                               "please submit the full materials.") % {"enterprise": application.enterprise})
        if not signer_name.strip():
            raise DomainError(_("Type your name to sign the commitment."))
        commitment, _created = Commitment.objects.update_or_create(
            application=application, item=item,
            defaults={"text": item.commitment_text, "signed_by": actor, "signer_name": signer_name.strip(),
                      "text_sha256": hashlib.sha256(item.commitment_text.encode()).hexdigest(), "signed_at": now},
        )
        timeline.record(application, EventKind.COMMITMENT_SIGNED, actor=actor, now=now, request=request,
                        data={"item": item.code})
    return commitment


# --- pre-review and submission --------------------------------------------------------------------------
def request_pre_review(application, *, actor, now=None, request=None) -> PreReview:
    """Send the unsealed drafts to the lead department before formal submission."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        locking.check(application, application.request_pre_review)
        application.request_pre_review()
        locking.save(application)
        pre_review = PreReview.objects.create(application=application, requested_by=actor, requested_at=now)
        timeline.record(application, EventKind.PRE_REVIEW_REQUESTED, actor=actor, now=now, request=request,
                        department=application.lead_department)
        announce(Notice.PRE_REVIEW_REQUESTED, application, subject=pre_review)
    return pre_review


def answer_pre_review(application, *, actor, problems: list, comment: str = "", now=None,
                      request=None) -> PreReview:
    """The lead department lists every problem at once (an empty list: ready to submit)."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_lead_window(actor, application)
        locking.check(application, application.answer_pre_review)
        problems = _checked_problems(application, problems, allow_empty=True)
        pre_review = application.pre_reviews.filter(answered_at__isnull=True).first()
        pre_review.answered_by, pre_review.answered_at = actor, now
        pre_review.problems, pre_review.comment = problems, comment
        pre_review.save()
        application.answer_pre_review()
        locking.save(application)
        timeline.record(application, EventKind.PRE_REVIEW_ANSWERED, actor=actor, now=now, request=request,
                        department=application.lead_department, data={"problems": problems},
                        message=comment or (_("Ready to submit.") if not problems else ""))
        announce(Notice.PRE_REVIEW_ANSWERED, application, subject=pre_review)
    return pre_review


def _checked_problems(application, problems, *, allow_empty=False) -> list:
    """Problems as [{kind, key, reason}], each naming a field or material of this bundle."""
    requirements = requirements_of(application)
    states = {st.key: st for st in material_rules.material_states(application, requirements)}
    known = {"field": {f.field.key for f in requirements.fields}, "material": set(states)}
    clean = []
    for p in problems or []:
        kind, key, reason = p.get("kind"), p.get("key"), (p.get("reason") or "").strip()
        if kind not in known or key not in known[kind]:
            raise DomainError(_("“%(key)s” is not a field or material of this application.") % {"key": key})
        if kind == "material" and states[key].never_asked:
            raise DomainError(never_asked_message(states[key].bundled))
        if not reason:
            raise DomainError(_("Say what is wrong with “%(key)s”.") % {"key": key})
        clean.append({"kind": kind, "key": key, "reason": reason})
    if not clean and not allow_empty:
        raise DomainError(_("List at least one material or field to supplement."))
    return clean


def completeness_problems(application, requirements=None, states=None):
    """(form errors by key, missing material keys) of the application as it stands.

    Missing means: to be submitted by the applicant, required before submission, and not attached
    (material_rules); what the government holds, what the bundle issues and what follows a signed commitment
    never is. `states`: the material states, if the caller has them already."""
    requirements = requirements or requirements_of(application)
    _cleaned, form_errors = one_form.validate(requirements.fields, application.form_data)
    if states is None:
        states = material_rules.material_states(application, requirements)
    return form_errors, material_rules.missing_keys(states)


def _incomplete(form_errors, missing):
    parts = []
    if form_errors:
        parts.append(_("%(n)d form fields need attention") % {"n": len(form_errors)})
    if missing:
        parts.append(_("%(n)d materials are missing") % {"n": len(missing)})
    return SubmissionIncomplete(_("The application cannot be submitted yet: %(what)s.") % {"what": "; ".join(parts)},
                                form_errors=form_errors, missing_materials=missing)


def submit(application, *, actor, declared: bool, now=None, request=None) -> Application:
    """Formal submission: complete form and materials; the 5-working-day acceptance clock starts.

    Every way of submitting (the check-your-answers page, the API, an agent or a clerk filing for a company) comes
    here, and none without the truthfulness declaration (信用承诺, `DECLARATION`): `declared` says whether the
    submitter made it; the timeline records that it was made."""
    if declared is not True:
        raise DeclarationMissing(_("Tick the declaration to submit the application."))
    now = now or timezone.now()
    with transaction.atomic():
        # With what the submission reads anyway: the company, the lead department, the items (the bundle).
        application = locking.lock(Application, application.pk, related=("enterprise", "lead_department"),
                                   prefetch=("items",))
        permissions.require_applicant_side(actor, application)
        locking.check(application, application.submit,
                      _("This application has already been submitted.") if application.status != S.PRE_REVIEW
                      else _("Wait for the pre-review answer before submitting."))
        requirements = requirements_of(application)
        form_errors, missing = completeness_problems(application, requirements)
        if form_errors or missing:
            raise _incomplete(form_errors, missing)
        cleaned, _errors = one_form.validate(requirements.fields, application.form_data)
        _store_form(application, cleaned, actor=actor, reason="submitted")
        due, warn = acceptance_clock_times(now)
        application.submit(now=now, acceptance_due_at=due, acceptance_warn_at=warn)
        locking.save(application)
        if application.channel == Channel.WINDOW:
            Visit.objects.create(application=application, kind=VisitKind.WINDOW_FILING, at=now, recorded_by=actor)
        documents.submitted(application)
        announce(Notice.RECEIVED, application)
        # Last: its audit entry takes the audit chain's lock, held by every submission until it commits.
        timeline.record(application, EventKind.SUBMITTED, actor=actor, now=now, request=request,
                        department=application.lead_department,
                        data={"acceptance_due_at": application.acceptance_due_at.isoformat(), "declared": True})
    return application


def withdraw(application, *, actor, reason: str = "", now=None, request=None) -> Application:
    """The applicant withdraws before the decision; running reviews are cancelled."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locking.lock(Application, application.pk)
        permissions.require_applicant_side(actor, application)
        locking.check(application, application.withdraw,
                      _("An application can only be withdrawn before it is decided."))
        application.withdraw(now=now, reason=reason.strip()[:255])
        locking.save(application)
        for review in application.reviews.exclude(status__in=[ReviewStatus.SIGNED, ReviewStatus.CANCELLED]):
            review.cancel()
            locking.save(review)
        for stage in application.stages.filter(status__in=[StageStatus.WAITING, StageStatus.OPEN]):
            stage.cancel(now=now)
            locking.save(stage)
        fees_charged.leave_estimates_uncharged(application)
        timeline.record(application, EventKind.WITHDRAWN, actor=actor, now=now, request=request,
                        message=reason)
    return application
