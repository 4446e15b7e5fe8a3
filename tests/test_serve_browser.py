"""The preview page in a real browser: Debian's Chromium driven by Playwright, a real server.

Starts ``mynacard serve`` (uvicorn, face models loaded) on a free loopback port, fills the
form, uploads a photo, watches the preview and the check results change, downloads the PDF.
The server's whole log is then searched for the holder's name, reading and number.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from tests.serve_support import FACE, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server("--log-level", "2", "--workers", "1", log_dir=tmp_path_factory.mktemp("serve")) as s:
        yield s
    # after the server stopped: nothing personal in anything it wrote
    for secret in ("770914534160", "7709 1453 4160", "大野", "太郎", "オオノ", "タロウ", "OHNO", "見本町", "霞が関"):
        assert secret not in s.log, f"server log contains {secret!r}"
    assert "POST /v1/card/render" in s.log  # the access log was on: the search above saw the requests


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh test (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def wait_until(condition, timeout_s: float = 30.0, what: str = "condition") -> None:
    """Poll from Python: the page's CSP forbids the eval behind Playwright's wait_for_function."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_preview_page_end_to_end(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text
            else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests_out: list[str] = []
    page.on("request", lambda r: requests_out.append(r.url))

    from playwright.sync_api import expect

    page.goto(server.url + "/")
    preview = page.locator("#preview")
    # the first preview comes from the prefilled sample holder
    renders = lambda: int(preview.get_attribute("data-renders"))  # noqa: E731
    wait_until(lambda: renders() >= 1, what="the first preview")
    first_src = preview.get_attribute("src")
    assert first_src.startswith("blob:")
    assert page.evaluate("() => document.getElementById('preview').naturalWidth") > 500

    # romanization status under the name
    page.wait_for_selector("#romaji li[data-status]")
    assert page.locator("#romaji .text").inner_text() == "OHNO TARO"
    assert page.locator("#romaji li[data-status='variant']").count() == 1

    # change the name: the preview is rendered again (debounced) and differs
    page.fill("#given_name", "次郎")
    page.fill("#given_name_kana", "ジロウ")
    page.fill("#passport_romaji", "OHNO JIRO")
    wait_until(lambda: renders() >= 2, what="a new preview")
    assert preview.get_attribute("src") != first_src
    expect(page.locator("#romaji .text")).to_have_text("OHNO JIRO")

    # switch side and layout
    before = renders()
    page.select_option("#layout", "current")
    page.select_option("#side", "back")
    wait_until(lambda: renders() > before, what="the back of the current card")

    # an invalid field is marked by name
    page.fill("#my_number", "770914534161")
    page.wait_for_selector("#my_number[aria-invalid='true']", timeout=30_000)
    assert "my_number" in page.locator("#form-errors").inner_text()
    page.fill("#my_number", "770914534160")
    expect(page.locator("#my_number")).not_to_have_attribute("aria-invalid", "true", timeout=30_000)

    # upload a photo: the check results appear beside it, in Japanese and English
    page.select_option("#side", "front")
    before = renders()
    src = preview.get_attribute("src")
    page.set_input_files("#photo", str(FACE))
    page.wait_for_selector("#photo-check [data-verdict]", timeout=60_000)
    assert page.locator("#photo-check li[data-check]").count() >= 10
    assert page.locator("#photo-check li[data-check='face.count']").count() == 1
    assert page.locator("#photo-check .en").first.inner_text().strip()
    assert page.locator("#photo-thumb").is_visible()
    # ... and the front of the card is drawn again, now with the photo
    wait_until(lambda: renders() > before and preview.get_attribute("src") != src, 60, "the preview with the photo")
    expect(page.locator("#form-errors li")).to_have_count(0)

    # download the PDF
    with page.expect_download(timeout=60_000) as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename == "card-current-front.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "SAMPLE" in text and "770914534160" not in text.replace(" ", "")

    assert errors == [], errors
    assert all(u.startswith((server.url, "blob:", "data:")) for u in requests_out), requests_out
    page.close()
