"""Content-Security-Policy on every answer, and no inline script or style in the pages' templates (issue 11)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Templates rendered into PDFs by WeasyPrint, never sent to a browser.
NOT_FOR_BROWSERS = {"pdf"}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|"
                    r"javascript:", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("url", ["/login/", "/api/v1/items/", "/verify/", "/no-such-page/"])
def test_every_answer_carries_a_strict_policy(client, url):
    directives = policy(client.get(url))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["default-src"]


def test_the_api_docs_load_their_script_from_a_file(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert policy(page)["script-src"] == ["'self'"]
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert client.get("/api/docs/?script").status_code == 200
    redoc = client.get("/api/redoc/").content.decode()
    assert "fonts.googleapis.com" not in redoc and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", redoc)


def test_the_api_docs_allow_no_inline_style_and_use_no_cdn(client):
    """Swagger UI: the strict policy as every page. Redoc: its <style> elements are allowed by this response's
    nonce only, which the page hands to Redoc; a new nonce per response; assets from the portal itself."""
    swagger = client.get("/api/docs/")
    assert policy(swagger)["style-src"] == ["'self'"]
    first, second = client.get("/api/redoc/"), client.get("/api/redoc/")
    styles = policy(first)["style-src"]
    assert styles[0] == "'self'" and len(styles) == 2 and "'unsafe-inline'" not in styles
    nonce = re.fullmatch(r"'nonce-([A-Za-z0-9+/=_-]{16,})'", styles[1]).group(1)
    assert f'data-style-nonce="{nonce}"' in first.content.decode()  # static/js/style-nonce.js stamps it
    assert policy(second)["style-src"][1] != styles[1]
    for page in (swagger, first):
        html = page.content.decode()
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), html
        assert "/static/drf_spectacular_sidecar/" in html


def test_no_template_for_the_browser_has_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] in NOT_FOR_BROWSERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert offenders == [], "move these into static/ files:\n" + "\n".join(offenders)


def test_the_inline_pattern_finds_what_it_must():
    for bad in ('<script>alert(1)</script>', '<div style="color:red">', '<a onclick="x()">', '<style>p{}</style>'):
        assert INLINE.search(bad), bad
    for good in ('<script src="/static/app.js"></script>', '<p class="lead">', '<script type="application/json">'):
        assert not INLINE.search(good), good
