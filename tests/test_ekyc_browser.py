"""The capture guide (``/capture``) in Chromium with a fake camera: a real server judges the frames.

The camera is Chromium's fake device playing a Y4M file written here from simulated photos:
first the card held nearly flat (the page must ask for more tilt), then tilted 45 degrees
(the page must take the photo). Nothing may leave for another origin, nothing may be stored
in the browser.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from tests.serve_support import running_server
from tests.test_serve_browser import ARGS, CHROMIUM, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

W, H = 1024, 768


@cache
def frame(tilt: float) -> np.ndarray:
    from cardface.oblique import simulate
    from cardface.oblique.templates import edge_rgb
    from tests.oblique_support import face

    img, _ = simulate(face("next", "front"), 0.0, tilt, 8, size=(W, H), fill=0.62, background="wood",
                      edge_rgb=edge_rgb("next"), noise=1.0, jpeg_quality=None, seed=11)
    return img


def yuv420(rgb: np.ndarray) -> bytes:
    """BT.601 studio-range I420, as Chromium reads a Y4M file."""
    r, g, b = (rgb[:, :, i].astype(np.float32) for i in range(3))
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255

    def sub(c):
        return c.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))

    planes = [y, sub(u), sub(v)]
    return b"".join(np.clip(np.round(p), 0, 255).astype(np.uint8).tobytes() for p in planes)


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("camera") / "card.y4m"
    flat, tilted = yuv420(frame(3.0)), yuv420(frame(45.0))
    with open(path, "wb") as f:  # 4 s nearly flat, then 4 s tilted (the file loops)
        f.write(f"YUV4MPEG2 W{W} H{H} F5:1 Ip A1:1 C420jpeg\n".encode())
        for data in [flat] * 20 + [tilted] * 20:
            f.write(b"FRAME\n" + data)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server("--log-level", "2", log_dir=tmp_path_factory.mktemp("serve")) as s:
        yield s
    assert "POST /v1/ekyc/evidence" in s.log


def test_the_capture_guide_asks_for_tilt_then_takes_the_photo(server, camera_file):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh test (make test does)")
    from playwright.sync_api import sync_playwright

    args = [*ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_file}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text
                    else None)
            requests_out: list[str] = []
            page.on("request", lambda r: requests_out.append(r.url))
            failed: list[str] = []
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.goto(server.url + "/capture")
            status = page.locator("#status")
            seen = lambda: (status.get_attribute("data-seen") or "").split()  # noqa: E731
            # the nearly flat card: the page asks to tilt it away
            wait_until(lambda: "retake:tilt_more" in seen(), 90, "the advice to tilt the card")
            # ... the outline of the card found is drawn over the video
            assert page.locator("#outline").get_attribute("data-corners")
            # then the tilted card: the evidence says card and the photo is taken
            wait_until(lambda: page.locator("body").get_attribute("data-state") == "captured", 90,
                       "the photo to be taken")
            assert status.get_attribute("data-verdict") == "card"
            assert "card" in seen()
            assert page.locator("#advice").get_attribute("data-advice") == "captured"
            assert page.evaluate("() => document.getElementById('shot').naturalWidth") == W
            assert int(status.get_attribute("data-frames")) >= 2
            # nothing stored in the browser, nothing sent elsewhere
            assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
            assert page.evaluate("() => document.cookie") == ""
            assert all(u.startswith((server.url, "blob:", "data:")) for u in requests_out), requests_out
            assert errors == [], errors
            assert all(u.endswith("/favicon.ico") for u in failed), failed
            page.close()
        finally:
            browser.close()
