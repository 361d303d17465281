"""Validating the one form of a bundle: each canonical field once, checked by its type.

Drafts keep whatever was typed (nothing is lost); `validate` returns every problem at once, in words the
applicant understands, so the page can show them all next to their fields.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from approvals.models import FieldType
from portal.credit_code import normalise, problem

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(form_field, value):
    """(clean value, None) or (None, message) for one field's raw value (not blank)."""
    kind = form_field.field_type
    raw = value.strip() if isinstance(value, str) else value
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            return None, _("Enter a number.")
        if not number.is_finite():
            return None, _("Enter a number.")
        if kind == FieldType.INTEGER and number != number.to_integral_value():
            return None, _("Enter a whole number.")
        if form_field.min_value is not None and number < form_field.min_value:
            return None, _("The value must be at least %(min)s.") % {"min": form_field.min_value}
        if form_field.max_value is not None and number > form_field.max_value:
            return None, _("The value must be at most %(max)s.") % {"max": form_field.max_value}
        return (str(int(number)) if kind == FieldType.INTEGER else str(number)), None
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(str(raw)).isoformat(), None
        except ValueError:
            return None, _("Enter a date as YYYY-MM-DD.")
    if kind == FieldType.CREDIT_CODE:
        reason = problem(str(raw))
        return (normalise(str(raw)), None) if reason is None else (None, reason)
    if kind == FieldType.PHONE:
        phone = str(raw).replace(" ", "")
        return (phone, None) if PHONE_RE.match(phone) else (None, _("Enter a mobile number or a landline with area code."))
    if kind == FieldType.CHOICE:
        return (raw, None) if raw in (form_field.choices or []) else (None, _("Choose one of the options."))
    if kind == FieldType.BOOLEAN:
        if raw in (True, "true", "on", "1", "yes"):
            return True, None
        if raw in (False, "false", "off", "0", "no"):
            return False, None
        return None, _("Answer yes or no.")
    text = str(raw)
    limit = 2000 if kind == FieldType.TEXTAREA else 200
    if len(text) > limit:
        return None, _("At most %(n)d characters.") % {"n": limit}
    return text, None


# Pairs of canonical field keys whose values must not be in reverse order (ISO dates compare as text).
ORDERED_PAIRS = [("start_date", "end_date")]


def validate(bundled_fields, data: dict) -> tuple[dict, dict]:
    """(clean values, errors by key) for the whole form; required fields must be filled."""
    cleaned, errors = {}, {}
    for bundled in bundled_fields:
        key = bundled.field.key
        value = data.get(key)
        if _blank(value):
            if bundled.required:
                errors[key] = _("This field is required.")
            continue
        clean, message = clean_value(bundled.field, value)
        if message:
            errors[key] = message
        else:
            cleaned[key] = clean
    labels = {b.field.key: b.field.label for b in bundled_fields}
    for earlier, later in ORDERED_PAIRS:  # cross-field checks: an end never before its start
        if earlier in cleaned and later in cleaned and cleaned[later] < cleaned[earlier]:
            errors[later] = _("%(later)s cannot be before %(earlier)s.") % {"later": labels[later],
                                                                          "earlier": labels[earlier]}
            del cleaned[later]
    return cleaned, errors


def keep_known(bundled_fields, data: dict) -> dict:
    """The raw values of the bundle's own fields (a draft keeps them even when invalid)."""
    keys = {b.field.key for b in bundled_fields}
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in keys}
