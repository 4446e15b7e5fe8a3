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


@pytest.mark.parametrize("doc,args", DOC_EXAMPLES, ids=[d for d, _ in DOC_EXAMPLES])
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
