"""Robustness: the hostile corpus and seeded mutations of real photos through every entry point.

    python bench/robustness.py [--mutations 200] [--seed 8] [--skip-cli]

Inputs: the corpus of ``scripts/make_corpus.py`` (hostile and broken files, among them a
250 KB PNG of 9400 x 9400 pixels that is under every limit and so is decoded, the costliest
legal input) and ``--mutations`` files made from real JPEG, PNG, GIF and WebP files by
seeded random damage (bit flips, overwritten, deleted and inserted runs, truncation,
spliced headers).

Surfaces, each in its own process under the robustness limits (2 GiB of address space,
20 s per input):

- in-process calls, timed per input: ``photo.check``, ``photo.fix`` (+ the annotated
  image), ``cardface.render`` with the input as the holder's photo (a preview with
  ``allow_failing_photo``, PNG), and the service (``POST /v1/photo/check`` and
  ``POST /v1/card/render`` through the ASGI client);
- whole CLI runs over every input at once: ``mynacard photo check --json``,
  ``mynacard card render`` (one holder per input) and ``mynacard photo batch``.

An input is handled cleanly on a surface when it gets a report or a project error with a
stable code (HTTP: a 200 or a 4xx with a code; CLI: its line, exit 0/1/2), no traceback, in
under 20 s and 2 GiB. A worker that dies marks its input as a crash and restarts after it.
Prints: inputs tried, handled cleanly, crashes (target 0), the slowest input and the peak
memory (resident, of any process of the surface).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECONDS_PER_INPUT = 20.0
SURFACES = ("photo.check", "photo.fix+annotate", "card.render", "serve")


# -- inputs ------------------------------------------------------------------------------------


def _corpus(folder: Path) -> list[Path]:
    from bench.support import make_corpus_module

    return [folder / e["file"] for e in make_corpus_module().build(folder, force=True) if not e["folder"]]


def _seeds() -> dict[str, bytes]:
    from PIL import Image

    face = Image.open(ROOT / "tests" / "data" / "faces" / "compliant_a.jpg").convert("RGB")
    out = {}
    for ext, fmt, im, kw in (
        ("jpg", "JPEG", face, {"quality": 90}), ("jpg", "JPEG", face.resize((280, 360)), {"progressive": True}),
        ("png", "PNG", face.resize((280, 360)), {}), ("gif", "GIF", face.resize((280, 360)).convert("P"), {}),
        ("webp", "WEBP", face, {"quality": 80}),
    ):
        b = io.BytesIO()
        im.save(b, fmt, **kw)
        out[f"{len(out)}.{ext}"] = b.getvalue()
    return out


def _mutate(data: bytes, rng: random.Random, seeds: list[bytes]) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            break
        n = len(data)
        pos = rng.randrange(min(n, 600)) if rng.random() < 0.5 else rng.randrange(n)
        op = rng.choice(("flip", "set", "delete", "insert", "truncate", "splice"))
        if op == "flip":
            data[pos] ^= 1 << rng.randrange(8)
        elif op == "set":
            data[pos:pos + 4] = rng.choice([b"\x00", b"\xff", b"\xff\xff\xff\xff", b"\x7f\xff", b"\xff\xd9"])
        elif op == "delete":
            del data[pos:pos + rng.randint(1, 64)]
        elif op == "insert":
            data[pos:pos] = rng.randbytes(rng.randint(1, 32))
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = rng.choice(seeds)[: rng.randint(2, 200)]
    return bytes(data)


def make_inputs(folder: Path, mutations: int, seed: int) -> list[Path]:
    inputs = _corpus(folder / "corpus")
    mut = folder / "mutations"
    mut.mkdir()
    seeds = _seeds()
    rng = random.Random(seed)
    names = sorted(seeds)
    for i in range(mutations):
        name = rng.choice(names)
        p = mut / f"mut_{i:04d}.{name.split('.')[1]}"
        p.write_bytes(_mutate(seeds[name], rng, list(seeds.values())))
        inputs.append(p)
    return inputs


# -- worker: one surface, in-process, one JSON line per input -----------------------------------


def _holder(photo: str) -> dict:
    rec = json.loads((ROOT / "samples" / "applicants.json").read_text(encoding="utf-8"))[0]
    return {**{k: v for k, v in rec.items() if k != "photo"}, "photo": photo}


def worker(surface: str, listing: Path) -> None:
    """Run ``surface`` on every path of ``listing``; print {"i", "ok", "outcome", "s"} per input.

    The process starts as the ``mynacard`` command and the service's processes do: two malloc
    arenas before the models load (``photo.models.few_malloc_arenas``). An application that
    embeds the library under an address-space limit does the same."""
    from photo.models import few_malloc_arenas

    few_malloc_arenas()
    from cardface.errors import CardfaceError
    from photo.errors import PhotoError

    paths = json.loads(listing.read_text(encoding="utf-8"))  # JSON: a file name may hold a newline
    client = None
    if surface == "serve":
        from fastapi.testclient import TestClient

        from mynacard.serve.app import create_app
        from mynacard.serve.settings import Settings

        client = TestClient(create_app(Settings()), raise_server_exceptions=False).__enter__()
        holder_json = json.dumps({k: v for k, v in _holder("").items() if k != "photo"}, ensure_ascii=False)
    # models, fonts and tables load before the clock starts: the figures are per input
    import photo

    photo.warm_up()
    face = str(ROOT / "tests" / "data" / "faces" / "compliant_a.jpg")
    if surface == "card.render":
        import cardface
        from cardface.holder import Holder

        cardface.render(Holder.from_dict(_holder(face)), "front", "next", "png", dpi=150)
    elif surface == "serve":
        client.post("/v1/card/render?format=png", files={"holder": (None, holder_json),
                                                         "photo": ("face.jpg", Path(face).read_bytes(), "image/jpeg")})
    elif surface == "photo.fix+annotate":
        from photo.annotate import annotate

        annotate(face)
    for i, path in enumerate(paths):
        t = time.perf_counter()
        ok, outcome = True, ""
        try:
            if surface == "photo.check":
                import photo

                rep = photo.check(path)
                outcome = rep.error["code"] if rep.error else ("pass" if rep.passed else "fail")
            elif surface == "photo.fix+annotate":
                import photo
                from photo.annotate import annotate

                res = photo.fix(path)
                outcome = "fixed" if res.fixed else "not fixed"
                try:
                    annotate(path)
                except PhotoError as err:
                    outcome += f", annotate {err.code}"
            elif surface == "card.render":
                import cardface
                from cardface.holder import Holder

                h = Holder.from_dict(_holder(path))
                cardface.render(h, "front", "next", "png", dpi=150, allow_failing_photo=True)
                outcome = "rendered"
            elif surface == "serve":
                data = Path(path).read_bytes()
                r = client.post("/v1/photo/check", files={"file": ("upload", data, "image/jpeg")})
                r2 = client.post("/v1/card/render?format=png", files={"holder": (None, holder_json),
                                                                      "photo": ("upload", data, "image/jpeg")})
                codes = []
                for resp in (r, r2):
                    if resp.status_code == 200:
                        codes.append("200")
                    else:
                        code = resp.json().get("error", {}).get("code", "")
                        ok = ok and 400 <= resp.status_code < 500 and bool(code)
                        codes.append(f"{resp.status_code} {code}")
                outcome = " / ".join(codes)
        except (CardfaceError, PhotoError) as err:
            outcome = err.code
        except Exception as err:  # a crash: anything outside the project's error families
            ok, outcome = False, f"{type(err).__name__}: {err}"[:300] + " | " + traceback.format_exc(limit=-3)[-600:]
        print(json.dumps({"i": i, "ok": ok, "outcome": outcome, "s": time.perf_counter() - t}), flush=True)


# -- the parent: limits, memory sampling, restarts ---------------------------------------------


class TreeMemory(threading.Thread):
    """Samples the largest resident set of any process under ``pid`` (batch pools fork workers
    that their parent may not wait for, so ``wait4`` alone would miss them)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self._halt = pid, 0, threading.Event()

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = Path(f"/proc/{d}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(parents.get(p, []))
        return out

    def run(self) -> None:
        while not self._halt.wait(0.1):
            for p in self._tree():
                try:
                    for line in Path(f"/proc/{p}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]) * 1024)
                except OSError:
                    pass

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def run_limited(args: list[str], timeout_s: float) -> tuple[int, str, str, int, float]:
    """(exit status or -signal, stdout, stderr, peak RSS bytes, seconds) of ``args`` under the
    limits (the runner the tests share, ``bench.support.run_with_limits``) while sampling the
    memory of its whole process tree."""
    from bench.support import run_with_limits

    sampler: list[TreeMemory] = []

    def watch(pid: int) -> None:
        sampler.append(TreeMemory(pid))
        sampler[0].start()

    run = run_with_limits(args, timeout_s=timeout_s, on_start=watch)
    peak = max(sampler[0].stop(), run.usage.ru_maxrss * 1024)
    stderr = run.stderr + ("\n[timed out]" if run.timed_out else "")
    return run.returncode, run.stdout, stderr, peak, run.seconds


@dataclass
class Tally:
    surface: str
    tried: int = 0
    clean: int = 0
    crashes: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    peak_rss: int = 0
    seconds: float = 0.0


def run_surface(surface: str, inputs: list[Path], tmp: Path) -> Tally:
    tally = Tally(surface)
    start = 0
    t0 = time.perf_counter()
    while start < len(inputs):
        listing = tmp / f"{surface}.json"
        listing.write_text(json.dumps([str(p) for p in inputs[start:]], ensure_ascii=False), encoding="utf-8")
        budget = SECONDS_PER_INPUT * (len(inputs) - start) + 120
        status, out, err, peak, _ = run_limited([sys.executable, __file__, "--worker", surface, str(listing)], budget)
        tally.peak_rss = max(tally.peak_rss, peak)
        done = -1
        for line in out.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            done = rec["i"]
            path = inputs[start + rec["i"]]
            tally.tried += 1
            tally.slowest = max(tally.slowest, (rec["s"], path.name))
            if rec["ok"] and rec["s"] < SECONDS_PER_INPUT:
                tally.clean += 1
            else:
                tally.crashes.append(f"{path.name}: {rec['outcome'] if not rec['ok'] else 'too slow'}")
        if status == 0 and start + done + 1 >= len(inputs):
            break
        # the worker died (memory, signal, timeout) on the input after the last one it reported
        dead = start + done + 1
        if dead < len(inputs):
            tally.tried += 1
            tally.crashes.append(f"{inputs[dead].name}: worker died (status {status}): {err.strip()[-300:]}")
        start = dead + 1
    tally.seconds = time.perf_counter() - t0
    return tally


_CRASH = ("Traceback (most recent call last)", "internal error", "MemoryError", "Segmentation fault")


def _cli_tally(surface: str, status: int, err: str, peak: int, seconds: float, per_input: dict[str, bool],
               n_inputs: int, allowed: set[int]) -> Tally:
    tally = Tally(surface, tried=n_inputs, peak_rss=peak, seconds=seconds)
    crashed = [line for line in err.splitlines() if any(m in line for m in _CRASH)]
    if status not in allowed or crashed or "[timed out]" in err:
        tally.crashes.append(f"exit {status}: {'; '.join(crashed)[:300] or err.strip()[-300:]}")
    bad = [name for name, ok in per_input.items() if not ok]
    tally.crashes += [f"{name}: no clean answer" for name in bad]
    missing = n_inputs - len(per_input)
    if missing:
        tally.crashes.append(f"{missing} input(s) without an answer")
    tally.clean = 0 if tally.crashes and status not in allowed else len(per_input) - len(bad)
    tally.slowest = (seconds, "(whole run)")
    return tally


def run_cli(inputs: list[Path], tmp: Path) -> list[Tally]:
    tallies = []
    mynacard = [sys.executable, "-m", "mynacard"]
    budget = SECONDS_PER_INPUT * len(inputs)
    # photo check over everything, one line per input
    status, out, err, peak, secs = run_limited([*mynacard, "photo", "check", "--json", *map(str, inputs)], budget)
    answers = {}
    for path, line in zip(inputs, out.splitlines(), strict=False):
        try:
            d = json.loads(line)
            answers[path.name] = d["file"] == str(path) and (d["error"] is None or bool(d["error"]["code"]))
        except (ValueError, KeyError, TypeError):
            answers[path.name] = False
    tallies.append(_cli_tally("CLI photo check", status, err, peak, secs, answers, len(inputs), {0, 1, 2}))
    # card render, one holder per input
    holders = tmp / "holders.json"
    holders.write_text(json.dumps([_holder(str(p)) for p in inputs], ensure_ascii=False), encoding="utf-8")
    status, out, err, peak, secs = run_limited([*mynacard, "card", "render", str(holders), "-o", str(tmp / "cards"),
                                                "--format", "png", "--side", "front"], budget)
    refused = {int(line.split()[1]) for line in err.splitlines() if line.startswith("record ")}
    written = {int(p.name.split("-")[1]) for p in (tmp / "cards").glob("next-*-front.png")} if (tmp / "cards").exists() else set()
    answers = {p.name: (i in refused) != (i in written) for i, p in enumerate(inputs, 1)}
    tallies.append(_cli_tally("CLI card render", status, err, peak, secs, answers, len(inputs), {0, 1}))
    # photo batch over the folders (one run, two worker processes)
    batch_in = tmp / "batch_in"
    batch_in.mkdir()
    for i, p in enumerate(inputs):
        os.symlink(p, batch_in / f"{i:04d}{p.suffix or '.jpg'}")
    status, out, err, peak, secs = run_limited([*mynacard, "photo", "batch", str(batch_in), "-o", str(tmp / "batch"),
                                                "--workers", "2", "--no-progress"], budget)
    answers = {}
    results = tmp / "batch" / "results.jsonl"
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            answers[Path(d["file"]).name] = d.get("error") is None or bool(d["error"].get("code"))
    n = len([p for p in batch_in.iterdir() if p.suffix.lower() in _batch_exts()])
    tallies.append(_cli_tally("CLI photo batch", status, err, peak, secs, answers, n, {0, 1, 2}))
    return tallies


def _batch_exts() -> frozenset[str]:
    from photo.batch.inputs import IMAGE_EXTENSIONS

    return IMAGE_EXTENSIONS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mutations", type=int, default=200)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--skip-cli", action="store_true", help="only the in-process surfaces")
    ap.add_argument("--worker", nargs=2, metavar=("SURFACE", "LISTING"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0
    from bench.support import MEMORY_LIMIT_BYTES as MEMORY_LIMIT  # what run_with_limits sets

    with tempfile.TemporaryDirectory(prefix="mynacard-robust-") as d:
        tmp = Path(d)
        inputs = make_inputs(tmp, args.mutations, args.seed)
        n_corpus = len(inputs) - args.mutations
        print(f"inputs: {n_corpus} corpus files + {args.mutations} mutations of real JPEG/PNG/GIF/WebP files "
              f"= {len(inputs)}; limits {MEMORY_LIMIT // 1024**3} GiB address space, {SECONDS_PER_INPUT:.0f} s per input")
        tallies = [run_surface(s, inputs, tmp) for s in SURFACES]
        if not args.skip_cli:
            tallies += run_cli(inputs, tmp)
    print()
    print("| surface | inputs tried | handled cleanly | crashes | slowest input | peak RSS | wall time |")
    print("|---|---|---|---|---|---|---|")
    for t in tallies:
        print(f"| {t.surface} | {t.tried} | {t.clean} | {len(t.crashes)} | {t.slowest[0]:.2f} s ({t.slowest[1]}) | "
              f"{t.peak_rss / 1024**2:.0f} MB | {t.seconds:.0f} s |")
    tried = sum(t.tried for t in tallies)
    clean = sum(t.clean for t in tallies)
    crashes = sum(len(t.crashes) for t in tallies)
    per_input = [t for t in tallies if not t.surface.startswith("CLI")]
    slow = max(per_input, key=lambda t: t.slowest[0])
    peak = max(tallies, key=lambda t: t.peak_rss)
    print()
    print(f"inputs tried (input x surface): {tried}")
    print(f"handled cleanly: {clean} ({100.0 * clean / tried:.1f}%)")
    print(f"crashes: {crashes} (target 0)")
    print(f"slowest input: {slow.slowest[0]:.2f} s, {slow.slowest[1]} on {slow.surface} (limit {SECONDS_PER_INPUT:.0f} s)")
    print(f"peak memory: {peak.peak_rss / 1024**2:.0f} MB resident, {peak.surface} (limit {MEMORY_LIMIT // 1024**2} MB)")
    for t in tallies:
        for c in t.crashes[:10]:
            print(f"  crash [{t.surface}] {c}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
