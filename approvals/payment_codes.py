"""Payment codes (缴款码) of payment notices: pure rules, no database.

A code is 20 digits: the year the notice is issued, 15 random digits, and a check digit (Damm's algorithm).
The check digit catches every single wrong digit and every swap of two neighbouring digits, so a code mistyped
at the window or on a bank's counter is refused as malformed instead of paying another applicant's notice.
Uniqueness is the database's job (a unique column); the random part makes collisions rare.
"""

import re
import secrets

LENGTH = 20
_RANDOM_DIGITS = LENGTH - 4 - 1

# Damm's quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-]+")


def _damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def new_code(*, year: int) -> str:
    """A fresh payment code for a notice issued in `year`."""
    body = f"{year:04d}{secrets.randbelow(10 ** _RANDOM_DIGITS):0{_RANDOM_DIGITS}d}"
    return body + str(_damm(body))


def normalise(typed) -> str:
    """What was typed, without spaces and dashes (a code is often written in groups)."""
    return _SEPARATORS.sub("", str(typed or ""))


def is_well_formed(code) -> bool:
    """20 digits whose check digit is right."""
    return (isinstance(code, str) and len(code) == LENGTH and code.isascii() and code.isdigit()
            and _damm(code) == 0)
