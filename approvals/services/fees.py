"""Fees with a legal range (seed 000: greening compensation charged at the lower bound).

The standard amount is what the upper bound of the legal range gives (what used to be charged); the rule's
policy decides what is charged; the saving is the difference. Amounts are Decimal, rounded half up to the
fen (0.01 yuan) per rule, and totals are the sums of the rounded lines. Nothing here writes to the database.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from approvals.models import FieldType
from approvals.models.catalog import FeePolicy

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # the largest amount or quantity the charges store (NUMERIC(14, 2))


def money(value) -> Decimal:
    """`value` rounded half up to 0.01."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeQuote:
    standard: Decimal  # at the upper bound of the legal range
    charged: Decimal  # by the rule's policy
    saving: Decimal  # standard - charged


@dataclass(frozen=True)
class FeeLine:
    rule: object  # FeeRule
    quantity: Decimal
    quote: FeeQuote

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def unit(self) -> str:
        return self.rule.unit

    @property
    def standard(self) -> Decimal:
        return self.quote.standard

    @property
    def charged(self) -> Decimal:
        return self.quote.charged

    @property
    def saving(self) -> Decimal:
        return self.quote.saving


@dataclass(frozen=True)
class FeeSheet:
    lines: list = field(default_factory=list)

    @property
    def standard(self) -> Decimal:
        return sum((line.standard for line in self.lines), ZERO)

    @property
    def charged(self) -> Decimal:
        return sum((line.charged for line in self.lines), ZERO)

    @property
    def saving(self) -> Decimal:
        return sum((line.saving for line in self.lines), ZERO)


def compute_fee(rule, quantity) -> FeeQuote:
    """Standard (upper bound), charged (by the rule's policy) and saving for `quantity` units."""
    # Floats go through str() so that 319.11 stays 319.11 and not its binary approximation.
    quantity = Decimal(str(quantity)) if isinstance(quantity, float) else Decimal(quantity)
    if not quantity.is_finite() or quantity < 0:
        raise ValueError(_("The quantity for the fee %(fee)s must be a number that is not negative.")
                         % {"fee": rule.name})
    if quantity > MAX_AMOUNT:
        raise ValueError(_("The quantity for the fee %(fee)s is too large to be real; correct it.")
                         % {"fee": rule.name})
    standard = money(quantity * rule.max_rate)
    rate = rule.min_rate if rule.policy == FeePolicy.LOWER_BOUND else rule.max_rate
    charged = money(quantity * rate)
    if standard > MAX_AMOUNT:
        raise ValueError(_("The fee %(fee)s would come to more than %(limit)s yuan; the quantity must be wrong. "
                           "Correct it.") % {"fee": rule.name, "limit": f"{MAX_AMOUNT:,.2f}"})
    return FeeQuote(standard=standard, charged=charged, saving=standard - charged)


def _quantity(rule, form_values: dict) -> Decimal:
    """The quantity a rule's basis field gives in `form_values`, or ValueError naming the field."""
    basis = rule.basis_field
    if basis is None:  # a flat fee: one unit
        return Decimal(1)
    raw = form_values.get(basis.key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(_("Please fill in “%(label)s”: it is needed to compute the fee %(fee)s.")
                         % {"label": basis.label, "fee": rule.name})
    invalid = ValueError(_("“%(label)s” must be a number that is not negative (fee %(fee)s).")
                         % {"label": basis.label, "fee": rule.name})
    if isinstance(raw, bool):
        raise invalid
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
    except (InvalidOperation, ValueError):
        raise invalid from None
    if not value.is_finite() or value < 0:
        raise invalid
    if basis.field_type == FieldType.INTEGER and value != value.to_integral_value():
        raise ValueError(_("“%(label)s” must be a whole number (fee %(fee)s).")
                         % {"label": basis.label, "fee": rule.name})
    return value


def quote_item_fees(item, form_values: dict) -> FeeSheet:
    """Every fee of `item` for the quantities in `form_values` (canonical field key -> value)."""
    lines = []
    for rule in item.fee_rules.select_related("basis_field").order_by("id"):
        quantity = _quantity(rule, form_values)
        lines.append(FeeLine(rule=rule, quantity=quantity, quote=compute_fee(rule, quantity)))
    return FeeSheet(lines=lines)
