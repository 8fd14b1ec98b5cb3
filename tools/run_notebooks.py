"""Execute the course's notebooks headless and write a summary: ``make run`` calls this.

For each selected notebook: run it top to bottom in a fresh kernel at the chosen profile, show
progress, save the executed notebook and an HTML rendering to the output folder, and collect the
key metric the notebook recorded with ``course_lib.report_metric``. Then write ``summary.md``,
``summary.json`` and ``index.html`` (a table: notebook, profile, wall time, key metric, pass/fail)
and exit non-zero if any notebook failed.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
PROFILES = ("quick", "standard", "full")


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


def _progress(name: str, total: int, tty: bool):
    started = time.perf_counter()

    def on_cell_executed(cell, cell_index, **_):
        if cell.get("cell_type") != "code":
            return
        elapsed = time.perf_counter() - started
        line = f"  {name}: cell {cell_index + 1}/{total} done, {elapsed:6.1f} s"
        if tty:
            print("\r" + line, end="", flush=True)
        else:
            print(line, flush=True)

    return on_cell_executed


def run_one(path: Path, out_dir: Path, profile: str, cell_timeout: int) -> dict:
    """Execute one notebook; save it and its HTML; return its summary row."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    name = path.stem
    results_dir = out_dir / "results"
    (results_dir / f"{name}.json").unlink(missing_ok=True)
    tty = sys.stdout.isatty()
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=_progress(name, len(nb.cells), tty),
    )
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1] if str(err).strip() else "cell failed"
    except Exception as err:  # timeouts, dead kernels: report and go on to the next notebook
        error = f"{type(err).__name__}: {err}"
    seconds = time.perf_counter() - start
    if tty:
        print()
    nbformat.write(nb, out_dir / f"{name}.ipynb")
    body, _ = HTMLExporter().from_notebook_node(nb)
    (out_dir / f"{name}.html").write_text(body, encoding="utf-8")
    record_path = results_dir / f"{name}.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    return {
        "notebook": name,
        "profile": profile,
        "seconds": round(seconds, 1),
        "metric": record.get("metric"),
        "value": record.get("value"),
        "target": record.get("target"),
        "passed": error is None,
        "error": error,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default=os.environ.get("COURSE_PROFILE") or "standard")
    parser.add_argument("--notebooks", default="", help="numbers or name prefixes; all if empty")
    parser.add_argument("--out", default=str(ROOT / "build"))
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=None,
        help="seconds one cell may run (default 1800, or 21600 at the full profile, whose "
        "training cells take hours on a CPU)",
    )
    args = parser.parse_args(argv)
    if args.profile not in PROFILES:
        parser.error(f"PROFILE={args.profile!r} is not one of {', '.join(PROFILES)}.")
    available = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    try:
        chosen = select_notebooks(args.notebooks, available)
    except ValueError as err:
        parser.error(str(err))
    if args.cell_timeout is None:
        args.cell_timeout = 21600 if args.profile == "full" else 1800
    out_dir = Path(args.out)
    (out_dir / "results").mkdir(parents=True, exist_ok=True)
    os.environ["COURSE_PROFILE"] = args.profile
    os.environ["COURSE_RESULTS_DIR"] = str((out_dir / "results").resolve())

    rows = []
    for i, path in enumerate(chosen, 1):
        print(f"[{i}/{len(chosen)}] {path.stem} at profile {args.profile}", flush=True)
        row = run_one(path, out_dir, args.profile, args.cell_timeout)
        status = "pass" if row["passed"] else f"FAIL ({row['error']})"
        print(
            f"[{i}/{len(chosen)}] {path.stem}: {status} in {row['seconds']:.1f} s; "
            f"{_metric_text(row)}",
            flush=True,
        )
        rows.append(row)
    table = write_summary(rows, out_dir)
    print("\n" + table)
    print(f"\nexecuted notebooks, HTML and summary in {out_dir}/ (open {out_dir}/index.html)")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
