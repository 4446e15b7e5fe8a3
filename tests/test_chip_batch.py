"""``photo batch --chip``: chip portraits beside the results and the rate-quality chart in report.html."""

from __future__ import annotations

import json

from photo import dg2, iso19794
from tests.conftest import DATA


def test_batch_writes_chip_portraits_and_the_chart(run_cli, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("compliant_a", "smiling_a"):
        (src / f"{name}.jpg").write_bytes((DATA / "faces" / f"{name}.jpg").read_bytes())
    out = tmp_path / "out"
    r = run_cli("photo", "batch", str(src), "-o", str(out), "-p", "mynumber-next", "--chip", "--workers", "1",
                "--no-progress")
    assert r.exit_code == 1, r.output  # smiling_a fails the check
    results = {json.loads(x)["file"].rsplit("/", 1)[-1]: json.loads(x)
               for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()}
    ok, refused = results["compliant_a.jpg"]["chip"], results["smiling_a.jpg"]["chip"]
    assert {"expression.neutral", "mouth.closed"} & set(refused["refused"])
    assert ok["bytes"] <= ok["budget_bytes"] and ok["image"] == "chip/compliant_a.jpg"
    record = (out / ok["record"]).read_bytes()
    assert iso19794.parse(record).images[0].image == (out / ok["image"]).read_bytes()
    assert dg2.parse((out / ok["dg2"]).read_bytes()).records == (record,)
    assert [row["budget_bytes"] for row in ok["rates"]] == [3000, 4000, 5000, 6000, 8000, 12000]
    assert not (out / "chip" / "smiling_a.jpg").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "chip portraits" in page and "data:image/png;base64," in page
