"""The documentation: a short README whose links and install instructions are true, a
Japanese README, and the MkDocs site from docs/ built in strict mode (broken links fail)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _build(tmp_path: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")]
    if config:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=ENV)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("docs")
    r = _build(tmp)
    assert r.returncode == 0, r.stderr
    return tmp / "site"


def _github_slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _check_links(md: Path, site: Path) -> list[str]:
    """Relative links of a Markdown file outside docs/ that point nowhere (file or anchor)."""
    bad = []
    for target in LINK.findall(md.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        dest = (md.parent / path).resolve() if path else md
        if not dest.exists():
            bad.append(target)
            continue
        if not anchor:
            continue
        if dest.suffix == ".md" and dest.parent.is_relative_to(ROOT / "docs"):
            page = site / dest.relative_to(ROOT / "docs").with_suffix("") / "index.html"
            if dest.name == "index.md":
                page = site / dest.relative_to(ROOT / "docs").parent / "index.html"
            if f'id="{anchor}"' not in page.read_text(encoding="utf-8"):
                bad.append(target)
        elif dest.suffix == ".md":
            slugs = {_github_slug(h) for h in re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)}
            if anchor not in slugs:
                bad.append(target)
    return bad


def test_readme_is_short_and_says_what_the_issue_asks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 15_000
    for part in ("## Set-up: two commands", "make demo", "make test", "## Two commands at work",
                 "mynacard photo check", "mynacard card render", "## Figures", "## Documentation"):
        assert part in text, part
    assert "![next card, front (preview)](docs/card-next-front.png)" in text  # a real card image
    assert "FAIL pose.yaw" in text and "ok   face.count" in text  # a real check report
    assert len(re.findall(r"^\| .* \| .* \| .* \| \[", text, re.M)) >= 8  # the figures table, linked


def test_install_instructions_are_true():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])
    for name in ("README.md", "README.ja.md", "docs/install.md", "docs/ja/index.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        # mynacard is on no package index: never `pip install mynacard` / `mynacard[...]` by name
        assert not re.search(r"pip install (-U |--upgrade )?['\"]?mynacard\b", text), name
        assert "pip install -e ." in text, name
        for extra in re.findall(r"pip install -e '\.\[([a-z,]+)\]'", text):
            assert set(extra.split(",")) <= extras, (name, extra)


def test_readme_links_point_at_files_and_anchors_that_exist(site):
    for name in ("README.md", "README.ja.md", "SECURITY.md", "CHANGELOG.md"):
        assert _check_links(ROOT / name, site) == [], name


def test_the_site_has_every_guide_in_both_languages(site):
    for page in ("index", "install", "photo", "batch", "service", "benchmarks", "security", "changelog",
                 "development", "ja/index", "ja/photo", "ja/batch", "ja/service"):
        path = site / page.removesuffix("index") / "index.html"
        assert path.is_file(), page
    # SECURITY.md and CHANGELOG.md are included, not copied
    assert "Reporting a vulnerability" in (site / "security" / "index.html").read_text(encoding="utf-8")
    assert "Unreleased" in (site / "changelog" / "index.html").read_text(encoding="utf-8")
    ja = (site / "ja" / "batch" / "index.html").read_text(encoding="utf-8")
    assert "summary.csv を Excel で開く" in ja and "BOM" in ja
    # search covers Japanese
    assert (site / "search" / "search_index.json").is_file()
    why = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert "MkDocs" in why and "Sphinx" in why  # the choice, and why


def test_strict_build_fails_on_a_broken_link(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "ja" / "batch.md").write_text("# x\n\n[broken](../no-such-page.md)\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: docs", f"docs_dir: {docs}")
    config.write_text(text, encoding="utf-8")
    r = _build(tmp_path, config)
    assert r.returncode != 0 and "no-such-page.md" in r.stderr


def test_make_test_runs_the_docs_build_and_the_type_checker():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_rule = re.search(r"^test:(.*)$", makefile, re.M).group(1)
    assert "docs" in test_rule.split() and "typecheck" in test_rule.split()
    docs_recipe = re.search(r"^docs:.*\n\t(.*)$", makefile, re.M).group(1)
    assert "mkdocs build --strict" in docs_recipe and "--quiet" not in docs_recipe


def _figures(text: str) -> list[tuple[str, ...]]:
    """The first table after a heading named Figures or Benchmarks: what, target, measured."""
    rows = []
    for line in text.split("\n## Figures", 1)[-1].split("\n# Benchmarks", 1)[-1].splitlines():
        if line.startswith("|---"):
            continue
        if line.startswith("| "):
            rows.append(tuple(c.strip() for c in line.strip("|").split("|")[:3]))
        elif rows:
            break
    return rows


def test_the_readme_figures_are_the_benchmark_pages_figures():
    readme = _figures((ROOT / "README.md").read_text(encoding="utf-8"))
    bench = _figures((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"))
    assert len(readme) >= 9 and readme == bench  # update both together (bench/ prints them)


#: (document, the command line its example shows) — every check line of the example must be what
#: the command prints for that check now: the same status (ok / FAIL / --) and [fixable] flag
DOC_EXAMPLES = [
    ("README.md", ["photo", "check", "samples/photos/sunglasses_acani07.jpg"]),
    ("README.ja.md", ["photo", "check", "samples/photos/sunglasses_acani07.jpg", "--lang", "ja"]),
    ("docs/photo.md", ["photo", "check", "samples/photos/smiling_010.jpg"]),
    ("docs/ja/photo.md", ["photo", "check", "samples/photos/sunglasses_acani07.jpg", "--lang", "ja"]),
    ("docs/ja/photo.md", ["photo", "check", "samples/photos/square_head_too_small.jpg", "--lang", "ja"]),
]
CHECK_LINE = re.compile(r"^\s*(ok  |FAIL|--  ) (\S+)\s.*?( \[fixable\])?$")


def _example_lines(text: str, header: str) -> dict[str, tuple[str, bool]]:
    """check id -> (status, fixable) of the check lines that follow ``header`` in ``text``, up to
    the end of that example block."""
    start = text.index(header)
    block = text[start:].split("```", 1)[0] if "```" in text[start:] else text[start:]
    out: dict[str, tuple[str, bool]] = {}
    for line in block.splitlines()[1:]:
        m = CHECK_LINE.match(line)
        if m:
            out[m.group(2)] = (m.group(1).strip(), bool(m.group(3)))
        elif out and not line.strip().startswith(("ok", "FAIL", "--")):
            break
    return out


@pytest.mark.parametrize("doc,args", DOC_EXAMPLES, ids=[f"{d}:{Path(a[2]).stem}" for d, a in DOC_EXAMPLES])
def test_documented_check_output_is_what_the_command_prints(doc, args, monkeypatch):
    """The photo-check examples in the READMEs and the photo guide show the sample photos' real
    verdicts (a sample re-made or a check changed must be reflected there). Values are not
    compared digit for digit: the last digit of a measure may differ between CPUs."""
    from tests.conftest import invoke_cli

    monkeypatch.chdir(ROOT)
    text = (ROOT / doc).read_text(encoding="utf-8")
    header = f"{args[2]}: "
    shown = _example_lines(text, header)
    assert len(shown) >= 3, f"{doc}: no example output found after {header!r}"
    printed = _example_lines(invoke_cli(*args).stdout, header)
    assert printed, "the command printed no check lines"
    for cid, status in shown.items():
        assert printed.get(cid) == status, f"{doc}: {cid} is shown as {status}, the command prints {printed.get(cid)}"


#: (document, the start of the command lines whose documented output is compared with what the
#: command prints now). Only commands that are fast, need no file but the samples and print
#: the same on every machine; "..." in a documented output stands for any number of lines.
DOC_SESSIONS = [
    ("docs/cli.md", ("--help", "holders check nope.json", "card render samples/applicants.json")),
    ("docs/holders.md", ("holders check samples/", "number check")),
    ("docs/romaji.md", ("romaji",)),
    ("docs/cards.md", ("card lint next",)),
]


def _sessions(text: str) -> list[tuple[str, list[str]]]:
    """(command after ``$ mynacard ``, output lines) of every indented shell example."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] | None = None  # the output lines of the command being read
    for line in text.splitlines():
        if line.startswith("    $ mynacard "):
            current = []
            out.append((line.strip().removeprefix("$ mynacard "), current))
        elif current is not None and (line.startswith("    ") or not line.strip()) \
                and not line.strip().startswith("$ "):
            current.append(line[4:])
        else:
            current = None  # the block ended, or another command's output follows
    for _, lines in out:
        while lines and not lines[-1].strip():
            lines.pop()  # the blank line that ends a block
    return out


def _shown_in(shown: list[str], printed: list[str]) -> bool:
    """The documented lines appear in order; without a "..." line, nothing else is printed."""
    rest = iter(printed)
    if not any(s.strip().startswith("...") for s in shown):
        return [s.rstrip() for s in shown] == [p.rstrip() for p in printed]
    return all(any(p.rstrip() == s.rstrip() for p in rest) for s in shown if not s.strip().startswith("..."))


@pytest.mark.parametrize("doc,commands", DOC_SESSIONS, ids=[d for d, _ in DOC_SESSIONS])
def test_documented_sessions_print_what_the_commands_print(doc, commands, tmp_path, monkeypatch):
    """The shell examples of the CLI, holder data, romaji and card pages show what the commands
    print now (stdout, then stderr), line for line."""
    import shlex

    from tests.conftest import invoke_cli

    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)  # nothing a command writes lands in the clone
    monkeypatch.setenv("COLUMNS", "80")
    matched: set[str] = set()
    for command, shown in _sessions((ROOT / doc).read_text(encoding="utf-8")):
        if not command.startswith(commands) or "#" in command:
            continue
        r = invoke_cli(*shlex.split(command))
        printed = (r.stdout + r.stderr).splitlines()
        assert _shown_in(shown, printed), f"{doc}: `mynacard {command}` now prints:\n" + "\n".join(printed)
        matched.update(c for c in commands if command.startswith(c))
    assert matched == set(commands), f"{doc}: no example found for {set(commands) - matched}"


def test_documented_lint_findings_are_what_lint_prints(tmp_path, monkeypatch):
    """docs/cards.md's lint example: current.toml with the three edits the page names."""
    from cardface.layout import layout_path
    from tests.conftest import invoke_cli

    text = (ROOT / "docs" / "cards.md").read_text(encoding="utf-8")
    data = layout_path("current").read_text(encoding="utf-8")
    for old, new in (("box = [73.0, 13.7, 10.0, 2.8]", "box = [70.0, 13.7, 10.0, 2.8]"),
                     ("size = [5, 8]\nwrap", "size = [4.5, 8]\nwrap"),
                     ("box = [32.0, 11.6, 50.5, 3.8]", "box = [12.0, 21.0, 50.5, 3.8]")):
        assert data.count(old) == 1 and new.split("\n")[0] in text, old
        data = data.replace(old, new)
    (tmp_path / "my-current.toml").write_text(data, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shown = dict(_sessions(text))["card lint my-current.toml"]
    r = invoke_cli("card", "lint", "my-current.toml")
    assert r.exit_code == 1 and _shown_in(shown, r.stdout.splitlines()), r.stdout


def test_documented_refused_card_photo_is_what_the_service_answers():
    """docs/service.md: the card render with tests/data/serve/face.jpg is refused for the
    checks the page lists (the service's own render call, without a server)."""
    import json

    from cardface.errors import PhotoRefused
    from mynacard.serve.routes.card import render_card

    text = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    block = text.split("-F photo=@face.jpg | python3 -m json.tool --no-ensure-ascii\n", 1)[1].split("\n\n", 1)[0]
    shown = json.loads(block)["error"]
    holder = json.loads((ROOT / "samples" / "applicants.json").read_text(encoding="utf-8"))[0]
    holder.pop("photo")
    with pytest.raises(PhotoRefused) as e:
        render_card(holder, (ROOT / "tests" / "data" / "serve" / "face.jpg").read_bytes(), side="front",
                    layout="next", fmt="png", dpi=300, preview=True, show_number=False, allow_failing_photo=False)
    assert e.value.code == shown["code"] and e.value.message == shown["message"]
    assert [p.code for p in e.value.problems] == [p["code"] for p in shown["problems"]]


def test_documented_oblique_corners_are_what_the_locator_finds(tmp_path, monkeypatch):
    """docs/oblique.md: the simulated tilted front of today's card is found as shown (side,
    layout, method; corners within 2 px of the documented ones)."""
    import json
    import shlex

    from tests.conftest import invoke_cli

    text = (ROOT / "docs" / "oblique.md").read_text(encoding="utf-8")
    block = text.split("`out/front-corners.json`, shown compacted", 1)[1].split("\n\n", 2)[1]
    shown = json.loads(" ".join(line.strip() for line in block.splitlines()))
    monkeypatch.chdir(tmp_path)
    command = next(c for c, _ in _sessions(text) if c.startswith("card simulate -o front.jpg"))
    assert invoke_cli(*shlex.split(command)).exit_code == 0
    r = invoke_cli("card", "oblique", "front.jpg", "-o", "out")
    assert r.exit_code == 0, r.stderr
    found = json.loads((tmp_path / "out" / "front-corners.json").read_text(encoding="utf-8"))
    for key in ("side", "layout", "method", "warnings", "size"):
        assert found[key] == shown[key], key
    for corner, xy in shown["corners"].items():
        assert max(abs(a - b) for a, b in zip(found["corners"][corner], xy, strict=True)) < 2.0, (corner, found["corners"][corner])


def test_the_japanese_photo_guide_names_every_check_of_the_default_profile_by_its_title():
    """Officials read docs/ja/photo.md: its table of checks lists every check of the default
    profile, once, under the title the batch report and the review image use
    (photo/data/check_titles.toml), and no check that does not exist."""
    from photo import profile
    from photo.check_titles import check_titles

    ids = list(profile.get("mynumber-online").checks)
    text = (ROOT / "docs" / "ja" / "photo.md").read_text(encoding="utf-8")
    text = text.split("## 判定する項目", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| ([^|]+) \|", text, re.M)
    assert [cid for cid, _ in rows] == ids
    titles = check_titles()
    assert all(title.strip() == titles[cid]["ja"] for cid, title in rows)
    assert f"次の {len(ids)} 項目" in text
