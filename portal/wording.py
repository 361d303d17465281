"""Wording that depends on the active language beyond gettext: the punctuation around translated labels."""

from django.utils.translation import get_language


def chinese() -> bool:
    """True when the active language is Chinese (the default)."""
    return (get_language() or "zh-hans").lower().startswith("zh")


def colon() -> str:
    """A label's colon: full-width in Chinese text, ASCII with a space in English."""
    return "：" if chinese() else ": "
