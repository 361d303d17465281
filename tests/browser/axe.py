"""axe-core (from npm, tests/browser/node_modules) injected into a page: any WCAG 2.x A/AA violation fails.

Install with `npm install --prefix tests/browser` (.ci/run does it when node_modules is missing). Every browser
context of the journeys is created with `bypass_csp=True` (tests/browser/conftest.py), so the injected script runs
under the portal's CSP.

Every page of every journey is checked: each page of a journey is watched (`watch`), every document it loads is
written down, and the test fails at its end if one of them was left without `check` (`unchecked`). A page is
"checked" when `check` ran while it was the page shown, so a journey that clicks through a page without checking
it fails even when nothing on that page is wrong.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Where documents without an address of their own are shown (page.set_content): nothing to check there.
BLANK = ("about:blank", "")
# The API documentation for developers: Swagger UI's and Redoc's own markup, served as the vendors ship it (no
# portal template), and not a page of any user's journey. tests/browser/test_api_docs_styles.py tests them under
# the real CSP, where axe-core could not be injected anyway.
VENDOR_PAGES = ("/api/docs/", "/api/redoc/")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""

# id(page) -> the documents it loaded, in order: [url, checked]. Reset for every test (conftest).
_LOADED: dict[int, list[list]] = {}


def watch(page):
    """Write down every document the page loads (its main frame's navigations)."""
    loaded = _LOADED.setdefault(id(page), [])

    def navigated(frame):
        if frame.parent_frame is None and frame.url not in BLANK:
            loaded.append([frame.url, False])

    page.on("framenavigated", navigated)


def reset():
    _LOADED.clear()


def unchecked() -> list[str]:
    """The addresses of the documents shown in this test that were never checked."""
    return [url for loaded in _LOADED.values() for url, checked in loaded
            if not checked and urlsplit(url).path not in VENDOR_PAGES]


def violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm install --prefix tests/browser`")
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_RUN, TAGS)


def check(page):
    """Fail with every violation of the page as it is now (its URL, the rule, the first elements)."""
    found = violations(page)
    loaded = _LOADED.get(id(page))
    if loaded:
        loaded[-1][1] = True
    report = f"axe-core on {page.url}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} -> {v['nodes']}" for v in found)
    assert found == [], report
