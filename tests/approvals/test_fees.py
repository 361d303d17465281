"""Fees with a legal range, charged at the lower bound (seed 000's greening compensation); payment codes."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from approvals import payment_codes
from approvals.demo.loading import load_demo
from approvals.models import ServiceItem
from approvals.models.catalog import FeePolicy
from approvals.services.fees import compute_fee, quote_item_fees
from tests.factories.approvals import FeeRuleFactory, FormFieldFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

SEED_VALUES = {"green_area_m2": "319.11", "tree_count": "89"}


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def greening_item():
    """The seed's greening compensation built from factories: lawn 20-40 yuan/m², trees 200-369 yuan each."""
    lawn = FormFieldFactory(key="lawn_m2", label="草坪面积", decimal=True)
    trees = FormFieldFactory(key="trees", label="树木数量", integer=True)
    item = ServiceItemFactory(fields=[lawn, trees])
    FeeRuleFactory(item=item, name="草坪", basis_field=lawn, min_rate=Decimal("20"), max_rate=Decimal("40"))
    FeeRuleFactory(item=item, name="树木", basis_field=trees, unit="元/株",
                   min_rate=Decimal("200"), max_rate=Decimal("369"))
    return item


def test_seed_example_from_the_seeded_catalog(fast_passwords):
    load_demo()
    item = ServiceItem.objects.get(name="工程建设涉及城市绿地、树木审批")

    sheet = quote_item_fees(item, SEED_VALUES)

    assert sheet.standard == Decimal("45605.40")
    assert sheet.charged == Decimal("24182.20")
    assert sheet.saving == Decimal("21423.20")
    assert [line.quantity for line in sheet.lines] == [Decimal("319.11"), Decimal("89")]
    assert all(line.rule.policy == FeePolicy.LOWER_BOUND for line in sheet.lines)


def test_seed_example_from_factories(greening_item):
    sheet = quote_item_fees(greening_item, {"lawn_m2": 319.11, "trees": 89})

    assert [(line.name, line.standard, line.charged, line.saving) for line in sheet.lines] == [
        ("草坪", Decimal("12764.40"), Decimal("6382.20"), Decimal("6382.20")),
        ("树木", Decimal("32841.00"), Decimal("17800.00"), Decimal("15041.00")),
    ]
    assert (sheet.standard, sheet.charged, sheet.saving) == (
        Decimal("45605.40"), Decimal("24182.20"), Decimal("21423.20"))


def test_quoting_writes_nothing(greening_item):
    with CaptureQueriesContext(connection) as queries:
        quote_item_fees(greening_item, {"lawn_m2": "1", "trees": "1"})
    assert queries.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_rounding_is_half_up_to_the_fen():
    rule = FeeRuleFactory.build(min_rate=Decimal("1.00"), max_rate=Decimal("3.00"))

    quote = compute_fee(rule, Decimal("0.125"))

    # 0.375 -> 0.38 and 0.125 -> 0.13 (banker's rounding would give 0.12)
    assert (quote.standard, quote.charged, quote.saving) == (Decimal("0.38"), Decimal("0.13"), Decimal("0.25"))


def test_float_quantity_is_taken_as_written():
    rule = FeeRuleFactory.build(min_rate=Decimal("1.00"), max_rate=Decimal("1.00"))
    # Decimal(1.005) is 1.00499999...; taken as written, 1.005 rounds half up to 1.01
    assert compute_fee(rule, 1.005).charged == Decimal("1.01")


def test_upper_bound_policy_saves_nothing():
    rule = FeeRuleFactory.build(min_rate=Decimal("20"), max_rate=Decimal("40"), policy=FeePolicy.UPPER_BOUND)
    quote = compute_fee(rule, 10)
    assert (quote.standard, quote.charged, quote.saving) == (Decimal("400.00"), Decimal("400.00"), Decimal("0.00"))


def test_flat_fee_needs_no_quantity():
    rule = FeeRuleFactory(flat=True, min_rate=Decimal("550"), max_rate=Decimal("550"))
    sheet = quote_item_fees(rule.item, {})
    assert (sheet.standard, sheet.charged, sheet.saving) == (Decimal("550.00"), Decimal("550.00"), Decimal("0.00"))


def test_factory_traits():
    assert ServiceItemFactory(immediate=True).immediate is True
    assert ServiceItemFactory().immediate is False
    item = ServiceItemFactory(commitment=True)
    assert item.commitment_allowed and item.commitment_text
    item.full_clean()


def test_item_without_fees_costs_nothing():
    sheet = quote_item_fees(ServiceItemFactory(), {})
    assert sheet.lines == []
    assert (sheet.standard, sheet.charged, sheet.saving) == (Decimal("0"), Decimal("0"), Decimal("0"))


@pytest.mark.parametrize("values, label, words", [
    ({"trees": "3"}, "草坪面积", "Please fill in"),
    ({"lawn_m2": "  ", "trees": "3"}, "草坪面积", "Please fill in"),
    ({"lawn_m2": "abc", "trees": "3"}, "草坪面积", "must be a number"),
    ({"lawn_m2": "-1", "trees": "3"}, "草坪面积", "must be a number"),
    ({"lawn_m2": "NaN", "trees": "3"}, "草坪面积", "must be a number"),
    ({"lawn_m2": True, "trees": "3"}, "草坪面积", "must be a number"),
    ({"lawn_m2": "10", "trees": "1.5"}, "树木数量", "whole number"),
    ({"lawn_m2": "10"}, "树木数量", "Please fill in"),
])
def test_missing_or_invalid_quantity_names_the_field(greening_item, values, label, words):
    with translation.override("en"), pytest.raises(ValueError) as error:
        quote_item_fees(greening_item, values)
    assert label in str(error.value)
    assert words in str(error.value)


def test_negative_quantity_is_refused_by_compute_fee():
    rule = FeeRuleFactory.build()
    with pytest.raises(ValueError):
        compute_fee(rule, Decimal("-0.01"))


# --- payment codes (缴款码) --------------------------------------------------------------------------------
def test_a_payment_code_is_twenty_digits_starting_with_the_year():
    code = payment_codes.new_code(year=2026)
    assert re.fullmatch(r"2026\d{16}", code)
    assert payment_codes.is_well_formed(code)


def test_a_payment_code_catches_every_typo_and_every_swap_of_neighbours():
    """The check digit (Damm) refuses a code with one wrong digit or two neighbouring digits swapped, so a
    clerk's typo never reaches another applicant's notice."""
    for code in (payment_codes.new_code(year=2026) for _ in range(20)):
        for i, digit in enumerate(code):
            for other in "0123456789".replace(digit, ""):
                assert not payment_codes.is_well_formed(code[:i] + other + code[i + 1:])
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                assert not payment_codes.is_well_formed(code[:i] + code[i + 1] + code[i] + code[i + 2:])


@pytest.mark.parametrize("typed", ["", "2026", "2026x000000000000000", "202600000000000000000", None])
def test_what_is_not_a_payment_code(typed):
    assert not payment_codes.is_well_formed(typed)


def test_spaces_and_dashes_typed_in_a_payment_code_are_ignored():
    code = payment_codes.new_code(year=2026)
    typed = f" {code[:4]} {code[4:12]}-{code[12:]} "
    assert payment_codes.normalise(typed) == code
