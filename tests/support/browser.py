"""Browser stories: Playwright (Python) driving Debian's Chromium, headless,
against the demo county behind the gateway (``tests.support.gateway``).

Chromium is the machine's (``deploy/infra.sh`` installs Debian's package):
Playwright's own browser download cannot reach the internet here. Every page
a story visits can be checked with axe-core (``check``: no serious or
critical violation) and is photographed into ``test-artifacts/screenshots``,
the folder CI keeps.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "gateway" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "test-artifacts" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# as the machine's probe found: without the background-networking flags,
# Chromium's calls home are refused by the closed network, many at a time
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 800, "height": 1100}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(page: Page, base_url: str, username: str, next_path: str = "/") -> None:
    """Through the sign-in page, as a person would."""
    page.goto(f"{base_url}/intrare?next={next_path}")
    page.get_by_label("Utilizator").fill(username)
    page.get_by_label("Parolă").fill(f"demo-{username}")
    page.get_by_role("button", name="Intrare").click()
    page.wait_for_load_state()


def check(page: Page, name: str) -> list[dict[str, Any]]:
    """axe-core on the page as it is now (WCAG 2.x A and AA rules): the
    serious and critical violations, empty when none; and a screenshot."""
    shoot(page, name)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated, not added as a <script>: the page's CSP allows no
        # inline script, and must not be loosened for the test
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)


def main_text(page: Page) -> str:
    """What the page's main content says."""
    return page.locator("main").inner_text()


def flash(page: Page) -> str:
    """The message the page shows after an act ("Documentul a fost validat.")."""
    return page.locator("main p.flash[role=status]").inner_text()


# -- keyboard alone ---------------------------------------------------------------
FOCUS_SHOWN = """el => {
    const style = getComputedStyle(el);
    return el.matches(':focus-visible')
        && (style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
            || style.boxShadow !== 'none');
}"""


def tab_to(page: Page, target: Locator, limit: int = 80, back: bool = False) -> None:
    """Press Tab (Shift+Tab when ``back``) until ``target`` (or, when it
    matches several, the first of them the focus reaches) has the focus, as
    a keyboard user would; fail clearly when it is never reached or when its
    focus is not shown (no outline nor shadow while focused)."""
    key = "Shift+Tab" if back else "Tab"
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate_all("els => els.includes(document.activeElement)"):
            shown = page.locator(":focus").evaluate(FOCUS_SHOWN)
            assert shown, f"{target} has the focus but does not show it"
            return
        passed.append(page.evaluate(_DESCRIBE_FOCUS))
    raise AssertionError(
        f"{target} never reached by {limit} × {key}; the focus went through: "
        + " → ".join(passed[:limit])
    )


_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const name = (el.getAttribute('aria-label') || el.innerText || el.name || el.id || '')
        .trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}[${name}]`;
}"""


def press_on(page: Page, target: Locator, key: str = "Enter", limit: int = 80) -> None:
    """Tab to ``target`` and press ``key`` on it (Enter for a link or a
    button, Space for a checkbox)."""
    tab_to(page, target, limit)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str, replace: bool = False) -> None:
    """Tab to a field and type ``text``; ``replace``: select what is there
    first (Ctrl+A), so the typing replaces it."""
    tab_to(page, target)
    if replace:
        page.keyboard.press("Control+A")
    page.keyboard.type(text)


def skip_to_content(page: Page) -> None:
    """The first Tab of a page reaches its skip link; Enter on it moves the
    focus to the main content, past the menu."""
    press_on(page, page.locator("a.skip"), limit=1)
    assert page.evaluate("() => document.activeElement.id") == "continut"


def sign_in_by_keyboard(page: Page, base_url: str, username: str, next_path: str = "/") -> None:
    """The sign-in page with the keyboard alone."""
    page.goto(f"{base_url}/intrare?next={next_path}")
    type_into(page, page.get_by_label("Utilizator"), username)
    type_into(page, page.get_by_label("Parolă"), f"demo-{username}")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from its field
    page.wait_for_load_state()
