"""Amounts of money as a Chinese government bill prints them: yuan with thousands separators and two decimals."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """24182.2 -> "24,182.20"; an empty or non-numeric value stays as it is."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def quantity(value) -> str:
    """89.00 -> "89", 319.10 -> "319.1": a quantity without meaningless zeros."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "" if value is None else str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
