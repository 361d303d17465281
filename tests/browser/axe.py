"""axe-core (from npm, tests/browser/node_modules) injected into a page: any WCAG 2.x A/AA violation fails.

Install with `npm install --prefix tests/browser` (.ci/run does it when node_modules is missing). The browser
contexts that use it are created with `bypass_csp=True`, so the injected script runs under the portal's CSP.
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


def violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm install --prefix tests/browser`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_RUN, TAGS)


def check(page):
    """Fail with every violation of the page as it is now (its URL, the rule, the first elements)."""
    found = violations(page)
    assert found == [], f"axe-core on {page.url}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} -> {v['nodes']}" for v in found)
