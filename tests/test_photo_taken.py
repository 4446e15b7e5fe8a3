"""file.taken: a photo taken more than six months before the day it is judged on fails, by the
date its camera wrote into the file (EXIF DateTimeOriginal); without that date, or with a date
after that day, the check is not evaluated. The day is today unless given (``on=``, ``--on``,
the service's ``on`` field; a batch keeps the day it began with)."""

from __future__ import annotations

import datetime
import io
import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import photo
from mynacard.cli import app
from photo.batch.errors import BatchError
from photo.batch.job import JOB_FILE, _check_job_file
from photo.intake import exif_date
from photo.months import add_months
from tests import photo_helpers as ph

PROFILE = "mynumber-online"
ON = datetime.date(2026, 12, 7)


dated = ph.dated


def taken_check(data, on=ON):
    rep = photo.check(data, PROFILE, on=on)
    return rep, rep.check("file.taken")


def test_exif_dates_are_read_from_the_original_or_digitized_tag():
    assert exif_date({0x9003: "2026:11:02 14:03:11"}) == datetime.date(2026, 11, 2)
    assert exif_date({0x9004: "2026:05:31 08:00:00"}) == datetime.date(2026, 5, 31)
    assert exif_date({0x9003: "2026:11:02 14:03:11", 0x9004: "2020:01:01 00:00:00"}) == datetime.date(2026, 11, 2)
    assert exif_date({0x9003: b"2026:11:02 14:03:11\x00"}) == datetime.date(2026, 11, 2)
    for blank in ("    :  :     :  :  ", "0000:00:00 00:00:00", "not a date", ""):
        assert exif_date({0x9003: blank}) is None
    assert exif_date({}) is None


def test_months_are_calendar_months():
    assert add_months(datetime.date(2026, 6, 7), 6) == datetime.date(2026, 12, 7)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)


def test_a_recent_photo_passes_and_an_old_one_fails():
    _rep, c = taken_check(dated("2026:10:02 10:00:00"))
    assert c.passed and c.evaluated and c.value == "2026-10-02" and c.limit == 6
    rep, c = taken_check(dated("2026:01:02 10:00:00"))
    assert not c.passed and c.evaluated and c.key == "old"
    assert "2026-01-02" in c.message_en and "6 months" in c.message_en and "6 か月" in c.message
    assert not rep.passed and not c.fixable


def test_six_months_to_the_day_is_within_and_a_day_more_is_not():
    assert taken_check(dated("2026:06:07 23:59:59"))[1].passed
    assert not taken_check(dated("2026:06:06 12:00:00"))[1].passed


def test_the_digitized_date_counts_when_the_original_is_missing():
    _rep, c = taken_check(dated("2025:12:01 09:00:00", tag=0x9004))
    assert not c.passed and c.value == "2025-12-01"


@pytest.mark.parametrize("taken, key", [(None, "no_date"), ("2027:01:02 10:00:00", "future")])
def test_no_date_or_a_date_after_the_day_is_not_evaluated(taken, key):
    rep, c = taken_check(dated(taken))
    assert not c.evaluated and c.key == key and c.passed
    assert rep.passed  # compliant_a passes every other check: a missing date does not refuse it
    assert c.message_en.startswith("Not checked")


def test_pixels_in_memory_have_no_file_to_date():
    rep = photo.check(np.asarray(ph.image("compliant_a")), PROFILE, on=ON)
    assert rep.check("file.taken") is None and "file.taken" in rep.skipped


def test_the_day_is_today_by_default():
    today = datetime.date.today()
    recent = today - datetime.timedelta(days=3)
    _rep, c = taken_check(dated(recent.strftime("%Y:%m:%d 12:00:00")), on=None)
    assert c.passed and c.evaluated and c.details["checked_on"] == today.isoformat()


def test_an_old_photo_is_not_fixed_by_dropping_its_date():
    """photo.fix drops all metadata, the date with it: a fix must not launder an old photo. The
    same frame taken recently is fixed (a crop), so the date alone stops it."""
    from PIL import ImageOps

    from photo.checker import analyse_and_check

    im = ImageOps.expand(ph.image("compliant_a"), border=(0, 300, 0, 300), fill=(205, 205, 205))
    results = {}
    for taken in ("2025:01:02 10:00:00", "2026:11:02 10:00:00"):
        ex = Image.Exif()
        ex.get_ifd(0x8769)[0x9003] = taken
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=95, exif=ex)
        analysis, rep = analyse_and_check(buf.getvalue(), PROFILE, keep_bytes=True, on=ON)
        results[taken[:4]] = (rep, photo.fix(buf.getvalue(), PROFILE, analysis=analysis, report=rep))
    old_rep, old_fix = results["2025"]
    new_rep, new_fix = results["2026"]
    assert not old_rep.check("file.taken").passed and new_rep.check("file.taken").passed
    assert not new_rep.passed and new_fix.fixed and new_fix.data
    assert not old_fix.fixed and old_fix.data is None


def test_the_cli_judges_on_the_day_given(tmp_path):
    f = tmp_path / "a.jpg"
    f.write_bytes(dated("2026:03:01 10:00:00"))
    runner = CliRunner()
    late = runner.invoke(app, ["photo", "check", str(f), "--json", "--on", "2026-12-07"])
    early = runner.invoke(app, ["photo", "check", str(f), "--json", "--on", "2026-05-01"])
    by_id = {c["id"]: c for c in json.loads(late.stdout)["checks"]}
    assert late.exit_code == 1 and by_id["file.taken"]["passed"] is False
    by_id = {c["id"]: c for c in json.loads(early.stdout)["checks"]}
    assert early.exit_code == 0 and by_id["file.taken"]["passed"] is True
    bad = runner.invoke(app, ["photo", "check", str(f), "--on", "7/12/2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output and "Traceback" not in bad.output


def test_a_batch_keeps_the_day_it_began_with(tmp_path):
    day = _check_job_file(tmp_path, "in", PROFILE, None)
    assert day == datetime.date.today()
    assert json.loads((tmp_path / JOB_FILE).read_text())["on"] == day.isoformat()
    # resumed later: the recorded day, not the new today; the same day given again is fine
    (tmp_path / JOB_FILE).write_text(json.dumps({"input": "in", "profile": PROFILE, "on": "2026-01-05"}))
    assert _check_job_file(tmp_path, "in", PROFILE, None) == datetime.date(2026, 1, 5)
    assert _check_job_file(tmp_path, "in", PROFILE, datetime.date(2026, 1, 5)) == datetime.date(2026, 1, 5)
    with pytest.raises(BatchError) as err:
        _check_job_file(tmp_path, "in", PROFILE, datetime.date(2026, 2, 1))
    assert err.value.code == "batch.output_mismatch"
    other = tmp_path / "new"
    other.mkdir()
    assert _check_job_file(other, "in", PROFILE, ON) == ON
    # a batch begun before the day was recorded keeps the day it is first resumed on
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / JOB_FILE).write_text(json.dumps({"input": "in", "profile": PROFILE}))
    assert _check_job_file(legacy, "in", PROFILE, ON) == ON
    assert json.loads((legacy / JOB_FILE).read_text()) == {"input": "in", "profile": PROFILE, "on": ON.isoformat()}
    assert _check_job_file(legacy, "in", PROFILE, None) == ON


def test_the_service_judges_on_the_day_sent():
    from fastapi.testclient import TestClient

    from mynacard.serve.app import create_app
    from mynacard.serve.settings import Settings

    data = dated("2026:03:01 10:00:00")
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        late = client.post("/v1/photo/check", data={"on": "2026-12-07"}, files={"file": ("a.jpg", data, "image/jpeg")})
        early = client.post("/v1/photo/check", data={"on": "2026-05-01"}, files={"file": ("a.jpg", data, "image/jpeg")})
        bad = client.post("/v1/photo/check", data={"on": "soon"}, files={"file": ("a.jpg", data, "image/jpeg")})
    assert {c["id"]: c for c in late.json()["checks"]}["file.taken"]["passed"] is False
    assert {c["id"]: c for c in early.json()["checks"]}["file.taken"]["passed"] is True
    assert bad.status_code == 422
