import json
from pathlib import Path

import pytest

from tools.run_notebooks import select_notebooks, write_summary

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
