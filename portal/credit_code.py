"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the code alphabet below (no I, O, Z, S, V). Position 18 is a check character:
weights are 3^(i-1) mod 31 for positions 1-17, and the check value is (31 - sum mod 31) mod 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code (assumed valid characters)."""
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why `code` is not a valid credit code, in the user's language; None when it is valid."""
    code = (code or "").strip().upper()
    if len(code) != LENGTH:
        return _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        return _(
            "The code contains characters that are not allowed: %(chars)s "
            "(the letters I, O, Z, S and V are never used)."
        ) % {"chars": " ".join(bad)}
    expected = check_character(code[:17])
    if code[17] != expected:
        return _(
            "The check character (the 18th) should be %(expected)s, not %(given)s: "
            "please check the code for a typing mistake."
        ) % {"expected": expected, "given": code[17]}
    return None


def validate_credit_code(value: str) -> None:
    """Django validator raising a ValidationError that says why the code is wrong."""
    reason = problem(value)
    if reason:
        raise ValidationError(reason, code="invalid_credit_code")


def normalise(code: str) -> str:
    return (code or "").strip().upper()
