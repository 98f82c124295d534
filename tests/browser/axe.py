"""axe-core in the page under test, served from the page's own origin (the CSP allows no other
script source and no inline script): Playwright answers a same-origin URL with the file that
`npm ci` installed in node_modules/ (package.json; `make test` installs it)."""

from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__.js"
# WCAG 2.2 AA, and everything below it: each level's own tag in axe-core; and axe's best
# practices, which hold the rules on heading order and landmarks (one main, labelled navs).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(result =>
  result.violations.map(v => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  })))"""


def serve_axe(context):
    """Answer /__axe__.js on every origin of this context with axe-core itself."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does)"
    context.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript; charset=utf-8"),
    )


def violations(page):
    """axe's WCAG A and AA violations on the page as it is now, one readable line per node."""
    page.add_script_tag(url=AXE_PATH)
    found = page.evaluate(RUN, WCAG_TAGS)
    return [
        f"{page.url}: {v['id']} ({v['help']}) at {node['target']}: {node['summary']}"
        for v in found
        for node in v["nodes"]
    ]
