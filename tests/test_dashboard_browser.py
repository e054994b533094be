"""The teaching page in a real browser: Debian's Chromium driven by Playwright.

Starts ``sanyi-dashboard`` on a free port, opens the page with every request that leaves
127.0.0.1 refused, picks a lesson, steps it, and checks that a chart and the numbers changed,
that no error shows, that nothing came from outside the machine, and that an impossible value
shows its one-line message. Saves a screenshot (``SANYI_DASHBOARD_SCREENSHOT`` names a copy).

Needs ``playwright`` (the dashboard extra) and ``/usr/bin/chromium`` (``.ci/run`` installs it);
without them the test is skipped on a laptop and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# The flags this machine's Chromium needs (no sandbox as root, no GPU, no calls home);
# Playwright adds --headless and gives every launch a fresh, empty --user-data-dir.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def _require_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test,dashboard]')")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url() -> Iterator[str]:
    """``sanyi-dashboard`` serving on a free port until the tests of this module end."""
    _require_browser()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "sanyi.experiments.dashboard",
                               "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("sanyi-dashboard did not start:\n"
                                       + (server.stdout.read() if server.stdout else "")) from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_lesson_runs_offline_and_moves_the_charts(dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    outside, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})

        def local_only(route) -> None:  # the machine's network is closed; make sure of it
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", local_only)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
                else None)
        page.goto(dashboard_url)
        page.get_by_role("button", name="Free play").wait_for(timeout=60_000)

        page.get_by_role("button", name="Aging to 2050 ± retirement reform").click()
        status = page.locator(".sanyi-status")
        expect(status).to_contain_text("benefits.retirement_delay False → True", timeout=30_000)
        other = browser.new_page()  # a second visitor has a model of their own
        other.goto(dashboard_url)
        expect(other.locator(".sanyi-status")).to_contain_text("Running your settings",
                                                                timeout=60_000)
        other.close()
        chart = page.locator(".sanyi-chart-reserve_months")
        numbers = page.locator(".sanyi-table")
        before_chart, before_numbers = chart.screenshot(), numbers.inner_text()

        for _ in range(2):  # Step advances a quarter
            page.get_by_role("button", name="Step").click()
        expect(status).to_contain_text("last month simulated 2025-06", timeout=30_000)
        time.sleep(1)  # let ECharts draw the new data
        assert chart.screenshot() != before_chart
        assert numbers.inner_text() != before_numbers
        assert "Pooled fund reserve, employee" in numbers.inner_text()
        expect(page.locator(".sanyi-error")).to_have_count(0)
        expect(page.get_by_text("Traceback")).to_have_count(0)
        page.screenshot(path=tmp_path / "dashboard.png")
        if os.environ.get("SANYI_DASHBOARD_SCREENSHOT"):
            shutil.copy(tmp_path / "dashboard.png", os.environ["SANYI_DASHBOARD_SCREENSHOT"])

        seed = page.get_by_role("textbox", name="Seed", exact=True)
        seed.fill("abc")
        seed.press("Enter")
        page.get_by_role("button", name="Reset").click()
        expect(page.locator(".sanyi-error")).to_have_text(
            "invalid config: seed=abc; allowed: an integer", timeout=30_000)
        expect(page.get_by_text("Traceback")).to_have_count(0)
        browser.close()
    assert outside == [], "the page asked for something outside this machine"
    assert failed == []
