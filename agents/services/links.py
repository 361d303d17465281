"""Links to the agents' pages for notifications; empty while a page is not mounted (the message still goes)."""

from django.urls import NoReverseMatch, reverse


def page(name: str, *args) -> str:
    try:
        return reverse(f"agents:{name}", args=list(args))
    except NoReverseMatch:
        return ""
