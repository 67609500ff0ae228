"""In a real browser (Debian's chromium driven by Playwright; no browser downloads).

``report.html`` opened from disk: every image loads and the tables render. The Solara app on
localhost: changing a slider (then Reset and Step, the Mesa convention) changes the plot.
Skipped, with the reason, where chromium or playwright is not installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.bundled import SCENARIOS_DIR
from sim.experiments.runs import write_run
from sim.output.report import write_report
from sim.scenario.loading import load_scenario
from sim.scenario.world import run_scenario

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 45

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
if importlib.util.find_spec("playwright") is None:
    pytest.skip("playwright is not installed (pip install -e .[test])", allow_module_level=True)

from playwright.sync_api import Browser, Locator, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_report_opens_from_disk(browser: Browser, tmp_path: Path) -> None:
    loaded = load_scenario(SCENARIOS_DIR / "illustrative.yaml")
    model = run_scenario(loaded.scenario, rng=loaded.scenario.seed)
    report = write_report(write_run(tmp_path / "run", loaded, model, loaded.scenario.seed))
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])"
    )
    assert len(images) == 7  # the illustrative run spans two issues: blocs per issue too
    assert all(complete and width > 300 for _, complete, width in images), images
    assert page.locator("#tallies-table tbody tr").count() == 3
    assert page.locator("#votes-table tbody tr").count() == 22
    assert page.locator("#votes-table td.vote-no").count() > 0
    cell = page.locator("#votes-table tbody tr", has_text="PRK").locator("td.vote").first
    assert cell.inner_text().split() == ["no", "quid", "pro", "quo"]
    assert page.locator("#votes-table").is_visible()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    page.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def solara_app(tmp_path: Path) -> Iterator[str]:
    if importlib.util.find_spec("solara") is None or importlib.util.find_spec("altair") is None:
        pytest.skip("the viz extra is not installed (pip install -e .[viz])")
    port = free_port()
    log = (tmp_path / "solara.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "solara", "run", str(REPO_ROOT / "app.py")),
            *("--port", str(port), "--host", "127.0.0.1", "--no-open", "--production"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        f"solara did not serve {url}:\n{(tmp_path / 'solara.log').read_text()}"
                    )
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def image_digest(page: Page, index: int) -> str:
    """SHA-256 of the bytes of the ``index``-th image on the page (blob URLs change anyway)."""
    data: list[int] = page.evaluate(
        """async (index) => {
            const image = document.images[index];
            const bytes = await (await fetch(image.src)).arrayBuffer();
            return Array.from(new Uint8Array(bytes));
        }""",
        index,
    )
    return hashlib.sha256(bytes(data)).hexdigest()


def wait_for_images(page: Page, count: int) -> None:
    page.wait_for_function(
        "n => Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0)"
        ".length >= n",
        arg=count,
        timeout=20_000,
    )


def shown_step(page: Page, number: int) -> Locator:
    """The sidebar's step counter (``Step: 1`` in Mesa 3.3, ``Time: 1.0`` in Mesa 3.5)."""
    return page.get_by_text(re.compile(rf"^(Step: {number}|Time: {number}\.0)$"))


def test_app_slider_changes_the_plot(browser: Browser, solara_app: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    failed: list[Any] = []
    requests: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(solara_app)
    step = page.get_by_role("button", name="Step")
    try:
        step.wait_for(timeout=30_000)
    except Exception:
        pytest.fail(f"the app did not render; requests that failed: {failed}")
    step.click()
    wait_for_images(page, 3)
    before = image_digest(page, 0)  # the tallies
    assert shown_step(page, 1).is_visible()

    slider = page.locator(".v-input", has_text="quid pro quo weight").locator("[role=slider]")
    slider.focus()
    slider.press("Home")  # weight 0: nobody repays favours
    assert slider.get_attribute("aria-valuenow") == "0"
    page.get_by_role("button", name="Reset").click()
    shown_step(page, 0).wait_for(timeout=30_000)
    step.click()
    shown_step(page, 1).wait_for(timeout=30_000)
    wait_for_images(page, 3)
    after = image_digest(page, 0)
    assert after != before, "the tallies did not change with the quid pro quo weight"
    page.close()
    # no request leaves the machine (Solara's check called solara.dev twice)
    local = (solara_app.rstrip("/"), "data:", "blob:", "about:")
    assert [url for url in requests if not url.startswith(local)] == []
