"""Helpers for the browser tests: viewports, the axe-core accessibility check, signing in."""

import json
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The NHS blue of the header: if the header has it, our stylesheet was served and applied.
NHS_BLUE = "rgb(0, 94, 184)"


def assert_styles_applied(page):
    """Without our stylesheet, colour-contrast checks would test the browser's defaults."""
    loaded = page.evaluate(
        """() => [...document.styleSheets]
            .filter(sheet => sheet.href && sheet.href.includes('/static/css/aligns'))
            .map(sheet => { try { return sheet.cssRules.length } catch (e) { return 0 } })"""
    )
    assert loaded and loaded[0] > 0, f"The stylesheet did not load on {page.url}"
    header_colour = page.locator("header.nhsuk-header").evaluate(
        "header => getComputedStyle(header).backgroundColor"
    )
    assert header_colour == NHS_BLUE, (
        f"The header is {header_colour}, not NHS blue, on {page.url}: styles not applied"
    )


def _describe(violation):
    lines = [
        f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
        f"{violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        target = " ".join(json.dumps(part) for part in node["target"])
        lines.append(f"  at {target}")
        html = " ".join(node.get("html", "").split())
        if html:
            lines.append(f"      {html[:200]}")
        summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def axe_check(page):
    """Run axe-core's WCAG 2.2 A/AA rules on the page as it is now; return the violations."""
    assert_styles_applied(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, which the page's Content Security
        # Policy does not govern; an added <script> tag would be refused, as it should be.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations;
        }""",
        AXE_TAGS,
    )


def assert_accessible(page):
    """Fail with a readable list if axe finds any WCAG 2.2 A/AA violation on the page."""
    violations = axe_check(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + "\n".join(_describe(violation) for violation in violations)
    )


def sign_in(page, live_server, email, start_path, password=None):
    """Sign in through the sign-in page and wait for the user's start page."""
    # Imported here: conftest imports this module, possibly before Django is set up.
    from django.urls import reverse

    from aligns.accounts.demo import DEMO_PASSWORD

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + start_path)


def sign_out(page, live_server):
    """Sign out with the header's button and wait for the sign-in page."""
    from django.urls import reverse

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + reverse("login"))
