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
from portal.errors import DomainError

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
# The longest value each field type keeps, drafts included (what is longer is refused, never stored).
MAX_LENGTHS = {FieldType.TEXT: 200, FieldType.TEXTAREA: 2000, FieldType.CHOICE: 200}
MAX_OTHER_LENGTH = 64  # numbers, dates, codes, phone numbers, yes/no
# Numbers without a configured range stay within what fees and amounts can store (NUMERIC(14, 2)).
NUMBER_LIMIT = Decimal("999999999")
DECIMAL_PLACES = 2


class FormValueRefused(DomainError):
    """A value no draft may keep: too long, or not a single value. `form_errors` names the fields."""

    def __init__(self, message, form_errors: dict):
        super().__init__(message, code="invalid_form_value")
        self.form_errors = form_errors


def max_length(form_field) -> int:
    return MAX_LENGTHS.get(form_field.field_type, MAX_OTHER_LENGTH)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(form_field, value):
    """(clean value, None) or (None, message) for one field's raw value (not blank)."""
    kind = form_field.field_type
    raw = value.strip() if isinstance(value, str) else value
    if len(str(raw)) > max_length(form_field):
        return None, _("At most %(n)d characters.") % {"n": max_length(form_field)}
    if kind in (FieldType.INTEGER, FieldType.DECIMAL):
        return _clean_number(form_field, raw)
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
    return str(raw), None


def _clean_number(form_field, raw):
    """A number within the field's range (or ±NUMBER_LIMIT when it has none), written without an exponent."""
    if isinstance(raw, bool):
        return None, _("Enter a number.")
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None, _("Enter a number.")
    if not number.is_finite():
        return None, _("Enter a number.")
    lowest = form_field.min_value if form_field.min_value is not None else -NUMBER_LIMIT
    highest = form_field.max_value if form_field.max_value is not None else NUMBER_LIMIT
    if number < lowest:
        return None, _("The value must be at least %(min)s.") % {"min": _plain(lowest)}
    if number > highest:
        return None, _("The value must be at most %(max)s.") % {"max": _plain(highest)}
    if form_field.field_type == FieldType.INTEGER:
        if number != number.to_integral_value():
            return None, _("Enter a whole number.")
        return str(int(number)), None
    if number != number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding="ROUND_DOWN"):
        return None, _("At most %(n)d digits after the decimal point.") % {"n": DECIMAL_PLACES}
    return _plain(number), None


def _plain(number: Decimal) -> str:
    """A number as typed by a person: no exponent, no trailing zeros after the point (5000.00 -> 5000)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    """The raw values of the bundle's own fields (a draft keeps them even when invalid).

    A value too long for its field, or anything but a single value (a list, an object), is refused with
    FormValueRefused naming the fields: a draft keeps what a person may have typed, not megabytes.
    """
    fields = {b.field.key: b.field for b in bundled_fields}
    kept, refused = {}, {}
    for key, value in data.items():
        if key not in fields:
            continue
        value = value.strip() if isinstance(value, str) else value
        if value is not None and not isinstance(value, (str, int, float, bool)):
            refused[key] = _("Enter a single value.")
        elif value is not None and len(str(value)) > max_length(fields[key]):
            refused[key] = _("At most %(n)d characters.") % {"n": max_length(fields[key])}
        else:
            kept[key] = value
    if refused:
        labels = _(", ").join(fields[key].label for key in refused)
        raise FormValueRefused(_("These fields were not saved; shorten or correct them: %(fields)s")
                               % {"fields": labels}, refused)
    return kept
