"""The log redaction filter and the log file."""

import logging

from mynacard import logs


def test_numbers_are_redacted_from_log_records(tmp_path, monkeypatch):
    monkeypatch.setenv("MYNACARD_LOG_FILE", str(tmp_path / "log.txt"))
    logs.configure(0)
    log = logging.getLogger("mynacard.test")
    log.warning("holder %s has number %s", 3, "1234 5678 9018")
    log.info("plain %s", "123456789018")
    log.info("not a number: 12345")
    for h in logging.getLogger().handlers:
        h.flush()
    text = (tmp_path / "log.txt").read_text(encoding="utf-8")
    assert "9018" not in text
    assert text.count("[number redacted]") == 2
    assert "12345" in text
    monkeypatch.delenv("MYNACARD_LOG_FILE")
    logs.configure(0)


def test_an_unwritable_log_file_is_one_line_exit_2(tmp_path, monkeypatch):
    from tests.conftest import invoke_cli

    for bad, reason in ((tmp_path / "missing" / "x.log", "No such file"), (tmp_path, "it is a folder")):
        monkeypatch.setenv("MYNACARD_LOG_FILE", str(bad))
        r = invoke_cli("number", "check", "123456789018")
        assert r.exit_code == 2, r.output
        assert r.stderr.strip().count("\n") == 0, r.stderr
        assert r.stderr.startswith("mynacard: log.unwritable: ") and reason in r.stderr
    monkeypatch.delenv("MYNACARD_LOG_FILE")
    logs.configure(0)
