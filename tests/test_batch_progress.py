"""Progress lines when stderr is not a terminal: count, rate since the first result, time left."""

from __future__ import annotations

import io
import re
import time

from photo.batch.progress import BatchProgress


def test_plain_lines_show_count_rate_and_time_left():
    stream = io.StringIO()
    with BatchProgress(10, stream=stream, interval_s=0.0) as p:
        time.sleep(0.3)  # worker start-up: not counted in the rate
        p.advance()
        time.sleep(0.1)
        p.advance(3)
        assert 15 < p.rate <= 30  # 3 photos in ~0.1 s since the first result (from the start: ~10/s)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "checking: 1/10 photos, 0.0 photos/s, -:--:-- left"
    m = re.match(r"checking: 4/10 photos, ([\d.]+) photos/s, 0:00:00 left", lines[1])
    assert m and float(m.group(1)) > 15

def test_nothing_is_shown_when_disabled_or_empty():
    stream = io.StringIO()
    with BatchProgress(5, stream=stream, enabled=False) as p:
        p.advance()
    with BatchProgress(0, stream=stream) as p:
        pass
    assert stream.getvalue() == ""
