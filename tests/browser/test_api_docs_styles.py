"""The API documentation pages render their styles under the strict policy: no 'unsafe-inline' anywhere; Redoc's
style elements carry the page's nonce (static/js/style-nonce.js). Two things stay blocked on purpose and are not
styles: Redoc's search worker from a blob: URL (script-src 'self') and its footer logo from cdn.redoc.ly."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("path", "selector"), [("/api/redoc/", "h1"), ("/api/docs/", ".swagger-ui .info")])
def test_the_api_docs_render_their_styles_without_unsafe_inline(live_server, browser, path, selector):
    # The journeys' contexts bypass the CSP (to inject axe-core); this one enforces it, or the test proves nothing.
    context = browser.new_context(bypass_csp=False, locale="zh-CN")
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(live_server.url + path)
        page.wait_for_selector(selector, timeout=60000)
        assert [e for e in errors if "style-src" in e or "inline style" in e] == []
        # The pages' own styles apply (not the browser's default serif).
        font = page.evaluate(f"() => getComputedStyle(document.querySelector({selector!r})).fontFamily")
        assert "Times New Roman" not in font
        if path == "/api/redoc/":
            nonces = page.evaluate("() => [...document.querySelectorAll('style')].map(s => s.nonce)")
            assert nonces and all(nonces)
    finally:
        context.close()
