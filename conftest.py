"""pytest hooks for the notebook run: a table of per-notebook wall time at the end."""

from __future__ import annotations

from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if not path.endswith(".ipynb"):
        return
    _seconds[path] += report.duration
    if report.failed:
        _failed.add(path)


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    write = terminalreporter.write_line
    terminalreporter.section("notebook wall time")
    width = max(len(p) for p in _seconds)
    for path in sorted(_seconds):
        verdict = "FAILED" if path in _failed else "passed"
        write(f"{path:<{width}}  {_seconds[path]:7.1f} s  {verdict}")
    write(f"{'total':<{width}}  {sum(_seconds.values()):7.1f} s")
