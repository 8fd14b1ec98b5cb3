import json
from pathlib import Path

import pytest

from tools.run_notebooks import (
    Progress,
    load_sweep,
    notebook_hash,
    parse_seeds,
    run_one,
    select_notebooks,
    sweep_table,
    write_summary,
)

AVAILABLE = [Path(f"notebooks/{n}.ipynb") for n in ("01_rnn_basics", "02_shapes", "10_ctc")]


def test_select_by_number_prefix_or_all():
    assert select_notebooks("", AVAILABLE) == AVAILABLE
    assert select_notebooks("01", AVAILABLE) == AVAILABLE[:1]
    assert select_notebooks("10, 01_rnn", AVAILABLE) == [AVAILABLE[2], AVAILABLE[0]]
    with pytest.raises(ValueError, match="matches no notebook"):
        select_notebooks("07", AVAILABLE)


def test_summary_files(tmp_path):
    rows = [
        dict(
            notebook="01_rnn_basics",
            profile="quick",
            seconds=12.0,
            metric="MAE",
            value=0.3,
            target=0.4,
            passed=True,
            error=None,
        ),
        dict(
            notebook="02_shapes",
            profile="quick",
            seconds=3.0,
            metric=None,
            value=None,
            target=None,
            passed=False,
            error="AssertionError: too low",
        ),
    ]
    table = write_summary(rows, tmp_path)
    assert "| 01_rnn_basics | quick | 12.0 | MAE = 0.3 (target 0.4) | pass |" in table
    assert "FAIL: AssertionError: too low" in table
    assert json.loads((tmp_path / "summary.json").read_text())[1]["passed"] is False
    assert "01_rnn_basics.html" in (tmp_path / "index.html").read_text()


def test_parse_seeds_ranges_and_lists():
    assert parse_seeds("1000-1003") == [1000, 1001, 1002, 1003]
    assert parse_seeds("7, 3 5-6 7") == [7, 3, 5, 6]
    for bad in ("", "x", "5-3", "-2", "1.5"):
        with pytest.raises(ValueError, match="SEEDS"):
            parse_seeds(bad)


def _run(seed, passed, checks, notebook="03_lstm", profile="quick"):
    return dict(
        notebook=notebook,
        profile=profile,
        seed=seed,
        seconds=40.0 + seed,
        passed=passed,
        error=None if passed else "AssertionError",
        checks=checks,
    )


def _check(name, value, threshold, relation=">=", fails_for=None):
    margin = value - threshold if relation == ">=" else threshold - value
    return dict(
        check=name,
        value=value,
        threshold=threshold,
        relation=relation,
        margin=margin,
        passed=margin >= 0,
        fails_for=fails_for,
    )


def test_sweep_table_reports_worst_seed_margin_and_unreached_checks():
    rows = [
        _run(1, True, [_check("accuracy", 0.99, 0.95), _check("loss", 0.2, 0.5, "<=")]),
        _run(
            2, False, [_check("accuracy", 0.90, 0.95, fails_for=0.25)]
        ),  # failed there: loss never measured
        _run(3, True, [_check("accuracy", 0.97, 0.95), _check("loss", 0.45, 0.5, "<=")]),
        _run(1, True, [_check("mae", 1.0, 2.0, "<=")], notebook="01_rnn", profile="standard"),
    ]
    table = sweep_table(rows)
    quick, standard = table.split("## Profile standard")
    assert "## Profile quick" in quick and "01_rnn" not in quick
    assert "| **03_lstm** | whole notebook (3 seeds: 1-3; slowest run 43 s) |" in quick
    assert "runs to the end | 2/3 | | 2 | | | |" in quick  # two of three runs passed; seed 2 failed
    assert "| 03_lstm | accuracy | >= 0.95 | 2/3 | 0.9 | 2 | -0.05 | 0.97 | 0.25 |" in quick
    assert "| 03_lstm | loss | <= 0.5 | 2/3 | 0.45 | 3 | +0.05 | 0.45 |  |" in quick
    assert "| 01_rnn | mae | <= 2 | 1/1 | 1 | 1 | +1 | 1 |  |" in standard


def test_sweep_table_counts_a_check_once_per_seed():
    twice = [_check("accuracy", 0.97, 0.95), _check("accuracy", 0.97, 0.95)]
    table = sweep_table([_run(1, True, twice), _run(2, True, [_check("accuracy", 0.99, 0.95)])])
    assert table.count("| 03_lstm | accuracy |") == 1
    assert "| 03_lstm | accuracy | >= 0.95 | 2/2 | 0.97 | 1 | +0.02 |" in table


def test_notebook_hash_follows_the_code_and_not_the_prose(tmp_path):
    import nbformat

    def write(markdown, code):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell(code)]
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, path)
        return notebook_hash(path)

    first = write("# A lecture", "x = 1")
    assert write("# A lecture, reworded", "x = 1") == first  # a saved run still applies
    assert write("# A lecture", "x = 2") != first  # a run of other code does not


def test_notebook_hash_follows_the_settings_file(tmp_path):
    import nbformat

    path = tmp_path / "notebooks" / "01_x.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, path)
    alone = notebook_hash(path)
    settings = tmp_path / "course_lib" / "settings" / "nb01_x.py"
    settings.parent.mkdir(parents=True)
    settings.write_text("QUICK = dict(epochs=8)\n")
    eight = notebook_hash(path)
    settings.write_text("QUICK = dict(epochs=10)\n")
    assert len({alone, eight, notebook_hash(path)}) == 3  # a run with other settings is not reused


def test_load_sweep_keeps_only_runs_of_the_current_code(tmp_path):
    for seed, digest in ((1, "new"), (2, "old")):
        path = tmp_path / "quick" / "01_x" / f"seed{seed}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"notebook": "01_x", "seed": seed, "hash": digest}))
    assert len(load_sweep(tmp_path)) == 2
    assert [r["seed"] for r in load_sweep(tmp_path, {"01_x": "new"})] == [1]


def test_progress_rewrites_one_line_on_a_terminal(capsys):
    progress = Progress("[2/3] 07_convlstm", "quick", 43, tty=True)
    progress.on_cell_start({"cell_type": "markdown"}, 0)
    progress.on_cell_start({"cell_type": "code"}, 17)
    progress.done("[2/3] 07_convlstm: pass in 1.0 s")
    out = capsys.readouterr().out
    assert out.startswith("\r\033[K[2/3] 07_convlstm  quick  cell 18/43 ")
    assert out.endswith("\r\033[K[2/3] 07_convlstm: pass in 1.0 s\n") and out.count("\n") == 1


def test_progress_prints_plainly_in_a_log(capsys):
    progress = Progress("[1/1] 03_lstm_gates", "quick", 30, tty=False, heartbeat=3600)
    progress.on_cell_start({"cell_type": "code"}, 4)
    assert capsys.readouterr().out == ""  # nothing per cell before the heartbeat
    progress.heartbeat = 0
    progress.on_cell_start({"cell_type": "code"}, 5)
    progress.done("[1/1] 03_lstm_gates: pass in 2.0 s")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("  [1/1] 03_lstm_gates  quick  cell 6/30")
    assert lines[1] == "[1/1] 03_lstm_gates: pass in 2.0 s" and "\r" not in lines[0]


def _kernel_pids():
    """The process ids of the ipykernel processes that are children of this process."""
    import os

    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmd:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                line = cmd.read()
        except OSError:
            continue
        if parent == os.getpid() and b"ipykernel" in line:
            pids.add(int(entry))
    return pids


def test_run_one_executes_a_notebook_quietly(tmp_path, capfd):
    import nbformat

    cells = [
        nbformat.v4.new_markdown_cell("# A tiny notebook"),
        nbformat.v4.new_code_cell("import sys\nprint('out')\nprint('err', file=sys.stderr)"),
    ]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    before = _kernel_pids()
    row = run_one(path, tmp_path / "out", "quick", cell_timeout=60)
    assert row["passed"] and row["error"] is None
    assert _kernel_pids() <= before, "run_one left its kernel running"
    executed = nbformat.read(tmp_path / "out" / "00_tiny.ipynb", as_version=4)
    texts = [o["text"] for o in executed.cells[1].outputs]
    assert texts == ["out\n", "err\n"]
    assert (tmp_path / "out" / "00_tiny.html").exists()
    assert (tmp_path / "out" / "logs" / "00_tiny.kernel.log").exists()
    captured = capfd.readouterr()
    # nothing from the kernel reaches this terminal: no transport warning, no log line
    assert "TCP" not in captured.err + captured.out and captured.err == ""
