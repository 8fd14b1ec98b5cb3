"""Self-checks for the notebooks' exercises, one module per notebook (``nb01``, ...).

A check runs the learner's function on fresh cases and prints a verdict. It returns True when the
function is right, False when it is wrong or not written yet; it never raises, so a notebook with
unfinished exercises still runs top to bottom. Reference solutions live in
``course_lib.solutions`` (``from course_lib.solutions import nb03``) and the tests run every check
on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_check(
    title: str, fn: Callable[..., Any], check: Callable[[Callable[..., Any]], None]
) -> bool:
    """Run ``check(fn)`` and print a one-line verdict.

    Args:
        title: the exercise's name, shown in the verdict.
        fn: the learner's function.
        check: raises ``AssertionError`` (with a hint) when ``fn`` is wrong.

    Returns:
        True when the check passed.
    """
    try:
        check(fn)
    except NotImplementedError:
        print(f"[ ] {title}: not attempted yet (the function still raises NotImplementedError).")
        return False
    except AssertionError as err:
        print(f"[x] {title}: not yet right. {err}")
        return False
    except Exception as err:  # the learner's code failed in some other way: show it briefly
        print(f"[x] {title}: your function raised {type(err).__name__}: {err}")
        return False
    print(f"[v] {title}: correct.")
    return True
