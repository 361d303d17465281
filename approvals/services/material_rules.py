"""Which materials the applicant provides: the one rule, used by the package pages, the materials page, the
desk, pre-review, submission, supplement notices, the review page and the API (docs/commitments.md).

For each material of a bundle, in this order:

1. **on file** (已自动关联): the portal holds a current document of that type for the company (a document on
   file, attached to the draft when it was created);
2. **issued in the bundle**: an item of the same bundle issues it (e.g. 交地即办证 issues the land-use planning
   permit that the works planning permit needs), so nobody can have it yet and nobody asks for it;
3. **verified internally** (由审批部门内部核验): a department issues it (the catalog's "held by the government")
   but the portal holds none for this company: the reviewing department checks it in its own records;
4. **after the commitment**: every item that needs it lets it follow a 告知承诺 the applicant signed;
5. **to submit**: the applicant uploads it.

Only (5) can be missing, and only what is missing blocks pre-review answers and submission; (1)-(3) are never
demanded from the applicant (no upload, no supplement notice, no pre-review problem).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import MaterialSource


class Provision(models.TextChoices):
    SUBMIT = "submit", _("To be submitted by the applicant")
    ON_FILE = "on_file", _("Attached from the government's records")
    INTERNAL_CHECK = "internal_check", _("Verified internally by the reviewing department")
    ISSUED_IN_BUNDLE = "issued_in_bundle", _("Issued within this bundle")
    AFTER_COMMITMENT = "after_commitment", _("Follows the signed commitment (告知承诺)")
    # Before the company is known (catalog pages): attached from its records or verified internally.
    HELD_BY_GOVERNMENT = "held_by_government", _("Held by the government: not asked for")


NEVER_ASKED = {Provision.ON_FILE, Provision.INTERNAL_CHECK, Provision.ISSUED_IN_BUNDLE,
               Provision.HELD_BY_GOVERNMENT}


def catalog_provision(bundled) -> str:
    """The rule before a company is known: a package or item page, the requirements endpoint."""
    if bundled.issued_in_bundle:
        return Provision.ISSUED_IN_BUNDLE
    if bundled.held_by_government:
        return Provision.HELD_BY_GOVERNMENT
    return Provision.SUBMIT


def committed_item_ids(application) -> set:
    """Items whose written commitment (告知承诺) counts: signed, allowed by the item, and the enterprise not
    barred by a recorded false commitment."""
    if application.enterprise.false_commitment_recorded:
        return set()
    return set(application.commitments.filter(item__commitment_allowed=True).values_list("item_id", flat=True))


def provision_of(bundled, *, current=None, committed=frozenset()) -> str:
    """The rule for one company's application (`current`: its current file of this material, if any)."""
    if current is not None and current.source == MaterialSource.ON_FILE:
        return Provision.ON_FILE
    if bundled.issued_in_bundle:
        return Provision.ISSUED_IN_BUNDLE
    if bundled.held_by_government:
        return Provision.INTERNAL_CHECK
    if bundled.after_commitment_items and not bundled.required_before_submission(committed) and bundled.required:
        return Provision.AFTER_COMMITMENT
    return Provision.SUBMIT


@dataclass(frozen=True)
class MaterialState:
    bundled: object  # BundledMaterial
    provision: str
    current: object  # MaterialFile | None: the main file
    files: tuple = ()  # every current file of the material (the main file first, then the added ones)

    @property
    def key(self) -> str:
        return self.bundled.material_type.key

    @property
    def never_asked(self) -> bool:
        return self.provision in NEVER_ASKED

    @property
    def missing(self) -> bool:
        """Blocks submission: to be submitted, required, and no current file."""
        return self.provision == Provision.SUBMIT and self.bundled.required and self.current is None


def material_states(application, requirements=None, current_files=None) -> list[MaterialState]:
    """One state per material of the application's bundle, in the bundle's order (two queries, and the bundle).

    `current_files`: the application's current files if the caller has read them already (in the model's order,
    by material and part), to be shown next to the states."""
    if requirements is None:
        from approvals.services.bundling import bundle_requirements

        requirements = bundle_requirements(list(application.items.all()))
    if current_files is None:
        current_files = application.materials.filter(is_current=True).order_by("part")
    current, parts = {}, {}
    for m in sorted(current_files, key=lambda m: m.part):
        current.setdefault(m.material_type_id, m)  # the main file (part 1) decides the material's state
        parts.setdefault(m.material_type_id, []).append(m)
    committed = committed_item_ids(application)
    return [MaterialState(bundled=b, current=current.get(b.material_type.pk),
                          provision=provision_of(b, current=current.get(b.material_type.pk), committed=committed),
                          files=tuple(parts.get(b.material_type.pk, ())))
            for b in requirements.materials]


def missing_keys(states) -> list[str]:
    return [s.key for s in states if s.missing]
