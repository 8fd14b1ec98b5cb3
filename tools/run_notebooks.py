"""Execute the course's notebooks headless and write a summary: ``make run`` calls this.

For each selected notebook: run it top to bottom in a fresh kernel at the chosen profile, show
progress, save the executed notebook and an HTML rendering to the output folder, and collect the
key metric it recorded (the ``course_lib.check`` that its settings file names ``KEY_METRIC``).
Then write ``summary.md``, ``summary.json`` and ``index.html`` (a table: notebook, profile, wall
time, key metric, pass/fail) and exit non-zero if any notebook failed.

With ``--seeds`` (``make seeds``) it runs each selected notebook once per seed instead and writes a
table of every learning check the notebooks make through ``course_lib.check``: threshold, how
many seeds passed, the worst value, its seed and its margin. Runs already made with the same
notebook content, profile and seed are reused, so an interrupted sweep resumes where it stopped.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import sys
import time
from pathlib import Path

from course_lib.paths import PROFILE_ENV_VAR, RESULTS_ENV_VAR, SEED_ENV_VAR
from course_lib.profiles import PROFILES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]*_*.ipynb"


def select_notebooks(selection: str, available: list[Path]) -> list[Path]:
    """Pick notebooks by number or prefix (``"01 03"``, ``"01,02"``, ``"01_rnn"``); all if empty.

    Raises:
        ValueError: if a selector matches no notebook.
    """
    tokens = [t for t in selection.replace(",", " ").split() if t]
    if not tokens:
        return available
    chosen: list[Path] = []
    for token in tokens:
        stem = Path(token).stem
        matches = [p for p in available if p.stem.startswith(stem)]
        if not matches:
            names = ", ".join(p.stem for p in available)
            raise ValueError(f"NOTEBOOKS={token!r} matches no notebook; available: {names}.")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


class Progress:
    """One progress line per notebook: ``[3/11] 07_convlstm  quick  cell 18/43  29.4 s``.

    On a terminal the line is rewritten in place as cells start and finish, then replaced by the
    notebook's result line. Elsewhere (CI logs, a file) only the result line is printed, plus a
    plain reminder line every ``heartbeat`` seconds so a long notebook does not look stuck.
    """

    def __init__(self, label: str, profile: str, total: int, tty: bool, heartbeat: float = 120):
        self.label, self.profile, self.total, self.tty = label, profile, total, tty
        self.heartbeat = heartbeat
        self.started = self.last_print = time.perf_counter()

    def restart(self) -> None:
        self.started = self.last_print = time.perf_counter()

    def line(self, cell_index: int) -> str:
        elapsed = time.perf_counter() - self.started
        return f"{self.label}  {self.profile}  cell {cell_index + 1}/{self.total}  {elapsed:6.1f} s"

    def on_cell_start(self, cell, cell_index, **_):
        if cell.get("cell_type") != "code":
            return
        now = time.perf_counter()
        if self.tty:
            print("\r\033[K" + self.line(cell_index), end="", flush=True)
        elif now - self.last_print >= self.heartbeat:
            print("  " + self.line(cell_index), flush=True)
            self.last_print = now

    def done(self, text: str) -> None:
        """Print the notebook's result line (over the progress line on a terminal)."""
        print(("\r\033[K" if self.tty else "") + text, flush=True)


def parse_seeds(text: str) -> list[int]:
    """Seeds from ``"1000-1019"``, ``"1 2 3"``, ``"1,2,5-7"`` (ranges inclusive), in order.

    Raises:
        ValueError: for anything that is not a non-negative integer or a range ``a-b`` with a <= b,
            or for no seeds at all.
    """
    seeds: list[int] = []
    for token in text.replace(",", " ").split():
        low, _, high = token.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise ValueError(f"SEEDS: {token!r} is not a seed or a range like 1000-1019.") from None
        if first < 0 or last < first:
            raise ValueError(f"SEEDS: {token!r} must be non-negative, low-high with low <= high.")
        seeds.extend(s for s in range(first, last + 1) if s not in seeds)
    if not seeds:
        raise ValueError('SEEDS is empty; give seeds like "1000-1019" or "7 8 9".')
    return seeds


def run_one(
    path: Path,
    out_dir: Path,
    profile: str,
    cell_timeout: int,
    html_copy: bool = True,
    progress: Progress | None = None,
) -> dict:
    """Execute one notebook; save it (and its HTML); return its summary row.

    The kernel talks to this process over local sockets (IPC, no TCP port) and writes what it
    prints outside the notebook (its own log, native libraries' messages) to
    ``<out>/logs/<name>.kernel.log`` instead of this terminal.
    """
    import tempfile

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    name = path.stem
    results_dir = out_dir / "results"
    (results_dir / f"{name}.json").unlink(missing_ok=True)
    (results_dir / f"{name}.checks.jsonl").unlink(missing_ok=True)
    progress = progress or Progress(name, profile, len(nb.cells), tty=False)
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    sockets = tempfile.TemporaryDirectory(prefix="course-kernel-")
    client = NotebookClient(
        nb,
        km=KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets.name}/kernel"),
        timeout=cell_timeout,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=progress.on_cell_start,
    )
    error = None
    cell_failed = False
    start = time.perf_counter()
    progress.restart()
    kernel_log = open(log_dir / f"{name}.kernel.log", "w")  # noqa: SIM115 (closed below)
    for attempt in range(3):
        try:
            client.execute(stderr=kernel_log)
        except CellExecutionError as err:
            error = str(err).strip().splitlines()[-1] if str(err).strip() else "cell failed"
            cell_failed = True
        except Exception as err:  # timeouts, dead kernels: report and go on to the next notebook
            error = f"{type(err).__name__}: {err}"
            started = any(c.get("outputs") for c in nb.cells if c.get("cell_type") == "code")
            if not started and attempt < 2:  # the kernel did not start (a busy machine): retry
                print(f"  {name}: kernel did not start ({error}); trying again", flush=True)
                error = None
                start = time.perf_counter()
                progress.restart()
                continue
        break
    seconds = time.perf_counter() - start
    # nbclient shuts down only the kernels it started itself; this one came with our own
    # KernelManager, so stop it here, or every notebook (every seed of a sweep) leaves a live
    # kernel, about 1 GB with TensorFlow loaded, behind
    if client.km is not None and client.km.has_kernel:
        client.km.shutdown_kernel(now=True)
    kernel_log.close()
    sockets.cleanup()
    if error is not None and not cell_failed:
        error += f" (the kernel's log: {log_dir / f'{name}.kernel.log'})"
    nbformat.write(nb, out_dir / f"{name}.ipynb")
    if html_copy:
        body, _ = HTMLExporter().from_notebook_node(nb)
        (out_dir / f"{name}.html").write_text(body, encoding="utf-8")
    record_path = results_dir / f"{name}.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    checks_path = results_dir / f"{name}.checks.jsonl"
    checks = (
        [json.loads(line) for line in checks_path.read_text().splitlines() if line.strip()]
        if checks_path.exists()
        else []
    )
    return {
        "notebook": name,
        "profile": profile,
        "seconds": round(seconds, 1),
        "metric": record.get("metric"),
        "value": record.get("value"),
        "target": record.get("target"),
        "passed": error is None,
        "error": error,
        "cell_failed": cell_failed,
        "checks": checks,
    }


def _metric_text(row: dict) -> str:
    if row["metric"] is None:
        return "(not reported)"
    text = f"{row['metric']} = {row['value']:.4g}"
    return text if row["target"] is None else f"{text} (target {row['target']:g})"


def write_summary(rows: list[dict], out_dir: Path) -> str:
    """Write summary.json, summary.md and index.html; return the Markdown table."""
    (out_dir / "summary.json").write_text(json.dumps(rows, indent=2))
    lines = [
        "| notebook | profile | wall time (s) | key metric | result |",
        "|---|---|---:|---|---|",
    ]
    for r in rows:
        verdict = "pass" if r["passed"] else f"FAIL: {r['error']}"
        lines.append(
            f"| {r['notebook']} | {r['profile']} | {r['seconds']:.1f} | "
            f"{_metric_text(r)} | {verdict} |"
        )
    table = "\n".join(lines)
    (out_dir / "summary.md").write_text(table + "\n")
    cells = "".join(
        f"<tr><td><a href='{html.escape(r['notebook'])}.html'>{html.escape(r['notebook'])}</a></td>"
        f"<td>{r['profile']}</td><td style='text-align:right'>{r['seconds']:.1f}</td>"
        f"<td>{html.escape(_metric_text(r))}</td>"
        f"<td style='color:{'green' if r['passed'] else 'red'}'>"
        f"{'pass' if r['passed'] else 'FAIL: ' + html.escape(str(r['error']))}</td></tr>"
        for r in rows
    )
    page = (
        "<!doctype html><meta charset='utf-8'><title>Course run</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 12px;"
        "border-bottom:1px solid #ddd}</style><h1>Course run</h1>"
        f"<p>{time.strftime('%Y-%m-%d %H:%M')}</p><table><tr><th>notebook</th><th>profile</th>"
        f"<th>wall time (s)</th><th>key metric</th><th>result</th></tr>{cells}</table>"
    )
    (out_dir / "index.html").write_text(page, encoding="utf-8")
    return table


def notebook_hash(path: Path) -> str:
    """A short hash of a notebook's code cells and of its settings file: a sweep reuses runs of
    notebooks whose code and settings are unchanged (edits to the prose do not change what a run
    measures; a new setting, e.g. more epochs, does). The settings file is
    ``course_lib/settings/nb<notebook>.py`` beside the notebooks' folder, when there is one."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    text = "\n\x00".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    settings = path.parent.parent / "course_lib" / "settings" / f"nb{path.stem}.py"
    if settings.is_file():
        text += "\n\x01" + settings.read_text()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sweep(
    chosen: list[Path], seeds: list[int], profile: str, out_dir: Path, cell_timeout: int
) -> list[dict]:
    """Run every chosen notebook once per seed (reusing matching earlier runs); return the rows.

    Each run's row, with the checks it recorded, is saved as
    ``<out_dir>/<profile>/<notebook>/seed<k>.json``.
    """
    rows = []
    total = len(chosen) * len(seeds)
    done = 0
    for path in chosen:
        digest = notebook_hash(path)
        for seed in seeds:
            done += 1
            run_dir = out_dir / profile / path.stem
            saved = run_dir / f"seed{seed}.json"
            if saved.exists():
                row = json.loads(saved.read_text())
                # reuse a run of the same notebook that passed or failed in a cell (a rerun
                # would fail the same way); rerun one that the kernel or a timeout cut short
                if row.get("hash") == digest and (row["passed"] or row.get("cell_failed")):
                    print(f"[{done}/{total}] {path.stem} seed {seed}: reused", flush=True)
                    rows.append(row)
                    continue
            work = run_dir / f"seed{seed}"
            (work / "results").mkdir(parents=True, exist_ok=True)
            os.environ[SEED_ENV_VAR] = str(seed)
            os.environ[RESULTS_ENV_VAR] = str((work / "results").resolve())
            print(f"[{done}/{total}] {path.stem} seed {seed} at profile {profile}", flush=True)
            row = run_one(path, work, profile, cell_timeout, html_copy=False)
            row.update(seed=seed, hash=digest)
            status = "pass" if row["passed"] else f"FAIL ({row['error']})"
            print(f"[{done}/{total}] {path.stem} seed {seed}: {status} in {row['seconds']:.1f} s")
            saved.write_text(json.dumps(row, indent=2))
            rows.append(row)
    return rows


def load_sweep(out_dir: Path, current: dict[str, str] | None = None) -> list[dict]:
    """Every run saved under ``out_dir`` by ``sweep`` (all profiles and notebooks).

    With ``current`` (notebook name -> ``notebook_hash`` of its code now), only the runs of the
    code as it is now: a run of a notebook whose code has changed since no longer speaks for it.
    """
    rows = [json.loads(p.read_text()) for p in sorted(out_dir.glob("*/*/seed*.json"))]
    if current is not None:
        rows = [r for r in rows if current.get(r["notebook"]) == r.get("hash")]
    return rows


def sweep_table(rows: list[dict]) -> str:
    """Markdown: per profile and notebook, the runs, and per check its worst seed and margin.

    A check that a run did not reach (an earlier cell failed) counts as not passed for that seed.
    """
    lines: list[str] = []
    for profile in PROFILES:
        runs = [r for r in rows if r["profile"] == profile]
        if not runs:
            continue
        lines += [
            f"## Profile {profile}",
            "",
            "| notebook | check | threshold | seeds passed | worst value | worst seed | "
            "worst margin | median value | a value it must reject |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in sorted({r["notebook"] for r in runs}):
            mine = sorted((r for r in runs if r["notebook"] == name), key=lambda r: r["seed"])
            seeds = [r["seed"] for r in mine]
            passed = sum(r["passed"] for r in mine)
            slowest = max(r["seconds"] for r in mine)
            seed_text = _seed_ranges(seeds)
            lines.append(
                f"| **{name}** | whole notebook ({len(mine)} seeds: {seed_text}; slowest run "
                f"{slowest:.0f} s) | runs to the end | {passed}/{len(mine)} | | "
                f"{', '.join(str(r['seed']) for r in mine if not r['passed']) or '-'} | | | |"
            )
            names: list[str] = []
            for r in mine:
                for c in r.get("checks", []):
                    if c["check"] not in names:
                        names.append(c["check"])
            for check in names:
                found = {  # a seed's last record of the check (a notebook may recheck it)
                    r["seed"]: c for r in mine for c in r.get("checks", []) if c["check"] == check
                }
                worst_seed = min(found, key=lambda s: found[s]["margin"])
                worst = found[worst_seed]
                ok = sum(c["passed"] for c in found.values())
                values = sorted(c["value"] for c in found.values())
                median = values[len(values) // 2]
                planted = worst.get("fails_for")
                lines.append(
                    f"| {name} | {check} | {worst['relation']} {worst['threshold']:.4g} | "
                    f"{ok}/{len(mine)} | {worst['value']:.4g} | {worst_seed} | "
                    f"{worst['margin']:+.4g} | {median:.4g} | "
                    f"{'' if planted is None else format(planted, '.4g')} |"
                )
        lines.append("")
    return "\n".join(lines)


def _seed_ranges(seeds: list[int]) -> str:
    parts: list[str] = []
    for s in sorted(seeds):
        if parts and parts[-1][1] == s - 1:
            parts[-1][1] = s
        else:
            parts.append([s, s])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in parts)


SWEEP_HEADER = """# Seed sweep: every learning check over many seeds

Written by `make seeds` (`tools/run_notebooks.py --seeds`) from the runs saved under
`build/seeds/`, keeping only runs of each notebook's code and settings as they are now (a change
to a code cell or to the notebook's settings file makes the next sweep run that notebook again;
prose does not); rerun it to regenerate this file.
Each row is one `check(...)` of a
notebook: its threshold, on how many seeds it passed, the seed where it came closest to failing
(or failed) and the margin there, in the check's own units, and, where the notebook gives it, a
value the check must reject (`fails_for`): what a model that did not learn gets (chance, or a
baseline measured in the same run), or for a check that a model fails, what one that succeeded
got; the check refuses to run if that value would pass. A check a run did not reach, because an
earlier cell failed, counts as not passed.

The slowest run's wall time is what the sweep saw, with whatever else was running on the machine;
it is not the budget measurement (that is `make test` on an idle machine).

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default=os.environ.get(PROFILE_ENV_VAR) or "standard")
    parser.add_argument("--notebooks", default="", help="numbers or name prefixes; all if empty")
    parser.add_argument("--out", default=str(ROOT / "build"))
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=None,
        help="seconds one cell may run (default 1800, or 21600 at the full profile, whose "
        "training cells take hours on a CPU)",
    )
    parser.add_argument(
        "--seeds",
        default="",
        help='run each notebook once per seed, e.g. "1000-1019", and tabulate every check',
    )
    parser.add_argument(
        "--evidence",
        default="",
        help="with --seeds: also write the table of the saved runs of the notebooks' current code "
        "to this Markdown file",
    )
    args = parser.parse_args(argv)
    if args.profile not in PROFILES:
        parser.error(f"PROFILE={args.profile!r} is not one of {', '.join(PROFILES)}.")
    available = sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))
    try:
        chosen = select_notebooks(args.notebooks, available)
    except ValueError as err:
        parser.error(str(err))
    if args.cell_timeout is None:
        args.cell_timeout = 21600 if args.profile == "full" else 1800
    out_dir = Path(args.out)
    os.environ[PROFILE_ENV_VAR] = args.profile
    if args.seeds:
        try:
            seeds = parse_seeds(args.seeds)
        except ValueError as err:
            parser.error(str(err))
        rows = sweep(chosen, seeds, args.profile, out_dir, args.cell_timeout)
        current = {path.stem: notebook_hash(path) for path in available}
        table = sweep_table(load_sweep(out_dir, current))
        (out_dir / "sweep.md").write_text(SWEEP_HEADER + table)
        if args.evidence:
            Path(args.evidence).write_text(SWEEP_HEADER + table)
        print("\n" + table)
        failed = [f"{r['notebook']} seed {r['seed']}" for r in rows if not r["passed"]]
        print(f"\n{len(rows) - len(failed)}/{len(rows)} runs passed" + (": " if failed else "."))
        for line in failed:
            print(f"  FAILED {line}")
        return 0 if not failed else 1
    (out_dir / "results").mkdir(parents=True, exist_ok=True)
    os.environ[RESULTS_ENV_VAR] = str((out_dir / "results").resolve())

    rows = []
    tty = sys.stdout.isatty()
    for i, path in enumerate(chosen, 1):
        label = f"[{i}/{len(chosen)}] {path.stem}"
        cells = len(json.loads(path.read_text(encoding="utf-8"))["cells"])
        progress = Progress(label, args.profile, cells, tty)
        row = run_one(path, out_dir, args.profile, args.cell_timeout, progress=progress)
        status = "pass" if row["passed"] else f"FAIL ({row['error']})"
        progress.done(f"{label}: {status} in {row['seconds']:.1f} s; {_metric_text(row)}")
        rows.append(row)
    table = write_summary(rows, out_dir)
    print("\n" + table)
    print(f"\nexecuted notebooks, HTML and summary in {out_dir}/ (open {out_dir}/index.html)")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
