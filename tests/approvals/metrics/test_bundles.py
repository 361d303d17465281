"""Per bundle type: what a package saves against filing its items one by one (docs/metrics.md#package-savings),
with exact numbers on the hand-built data set, and the same counts the applicant is shown (bundle_requirements)."""

import pytest

from approvals import metrics
from approvals.metrics import Filters
from approvals.services.bundling import bundle_requirements
from tests.approvals.metrics.dataset import build, build_packages, t

pytestmark = pytest.mark.django_db
JUNE = dict(start=t(6, 1, 0), end=t(7, 1, 0))
COLUMNS = ("code", "items_n", "stages_n", "fields_item_by_item", "fields_bundled", "fields_saved",
           "materials_item_by_item", "materials_bundled", "materials_saved", "steps_item_by_item", "steps_bundled",
           "steps_saved", "days_item_by_item", "days_bundled", "days_saved", "applications")


@pytest.fixture
def data(calendar_2026):
    data = build()
    data.update(build_packages(data))
    return data


def test_per_package_savings(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = metrics.package_savings(Filters(**JUNE))
    assert [tuple(row[c] for c in COLUMNS) for row in rows] == [
        ("m-pkg", 3, 2, 5, 3, 2, 4, 1, 3, 3, 2, 1, 10, 6, 4, 1),
        ("m-solo", 1, 1, 2, 2, 0, 1, 1, 0, 1, 1, 0, 4, 4, 0, 1),
    ]
    july = {row["code"]: row["applications"] for row in metrics.package_savings(Filters(start=t(7, 1, 0)))}
    assert july == {"m-pkg": 1, "m-solo": 0}
    only_b = metrics.package_savings(Filters(**JUNE, department=data["b"].pk))
    assert [row["code"] for row in only_b] == ["m-pkg"]


def test_the_bundle_figures_of_june(data):
    got = {fig.key: fig.value for fig in metrics.figures(Filters(**JUNE), now=t(6, 30))}
    assert {k: got[k] for k in ("bundles_received", "fields_saved", "materials_saved", "steps_saved",
                                "working_days_saved")} == {
        "bundles_received": 2, "fields_saved": 2, "materials_saved": 3, "steps_saved": 1, "working_days_saved": 4}
    # the catalog figures did not move with the optional links
    assert (got["zero_material_items"], got["catalog_items"]) == (2, 3)


def test_the_same_counts_the_applicant_is_shown(cat):
    """On the factories' catalog: SQL agrees with bundle_requirements, which the application form shows."""
    for row in metrics.package_savings(Filters()):
        from approvals.models import Package

        merged = bundle_requirements(Package.objects.get(pk=row["pk"]).items())
        assert (row["fields_item_by_item"], row["fields_saved"]) == (merged.fields_item_by_item, merged.fields_saved)
        assert (row["materials_item_by_item"], row["materials_saved"]) == (merged.materials_item_by_item,
                                                                           merged.materials_saved)
        assert row["items_n"] == len(merged.items)
