"""Small arithmetic expressions as parse trees, and as flat token sequences (notebook 06).

An expression is a binary tree: a leaf is a single digit (an ``int`` 0-9), an inner node is a
tuple ``(op, left, right)``. The operators are ``"max"`` and ``"min"`` (values stay digits) and
``"+"``, ``"-"``, ``"*"`` taken modulo 10, so every expression's value is a digit, a class out of
ten. Written out, every inner node is wrapped in parentheses, e.g. ``"((3 max 5) min 4)"``: the
same expression as a tree (for a recursive network) and as a string of tokens (for a chain RNN).

The depth of a tree counts the operators on its longest root-to-leaf path: a digit has depth 0,
``(3 max 5)`` depth 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from course_lib._args import int_in_range, positive_int

__all__ = [
    "OPS",
    "MAX_DEPTH",
    "Tree",
    "TOKENS",
    "random_tree",
    "evaluate",
    "tree_depth",
    "to_string",
    "tokenize",
    "parse",
    "encode_tokens",
    "ExpressionData",
    "make_expression_data",
    "bracket_depth",
]

Tree = int | tuple  # a digit, or (op, left, right)

# Every operator maps two digits to a digit.
OPS: dict[str, Callable[[int, int], int]] = {
    "max": max,
    "min": min,
    "+": lambda a, b: (a + b) % 10,
    "-": lambda a, b: (a - b) % 10,
    "*": lambda a, b: (a * b) % 10,
}
# The chain model's vocabulary: id 0 is padding, then digits, operators and brackets.
TOKENS = ("<pad>", *"0123456789", *OPS, "(", ")")
_TOKEN_ID = {token: i for i, token in enumerate(TOKENS)}
MAX_DEPTH = 12  # deeper trees are refused (a full tree of depth 12 has 4,096 digits)
_TOKEN_RE = re.compile(r"\s*(max|min|\d|[-+*()])")


def _check_ops(ops: object) -> tuple[str, ...]:
    if isinstance(ops, str) or not isinstance(ops, Iterable):
        raise ValueError(
            f"ops must be a sequence of operator names from {tuple(OPS)}; got {ops!r}."
        )
    ops = tuple(ops)
    if not ops or any(op not in OPS for op in ops) or len(set(ops)) != len(ops):
        raise ValueError(f"ops must be distinct names from {tuple(OPS)}; got {ops!r}.")
    return ops


def _check_depth(depth: object, label: str = "depth") -> int:
    return int_in_range(depth, label, 0, MAX_DEPTH)


def random_tree(depth: int, ops: Sequence[str], rng: np.random.Generator) -> Tree:
    """A random expression of exactly ``depth``.

    One child of every inner node continues to the full depth (which side is random); the other
    gets a random depth below it, so shapes range from a chain to a full tree.

    Args:
        depth: number of operators on the longest path (0 gives a digit), at most 12.
        ops: operator names to draw from (see ``OPS``).
        rng: the random generator.

    Returns:
        The tree: a digit, or ``(op, left, right)``.

    Raises:
        ValueError: for a bad ``depth`` or ``ops``.
    """
    depth, ops = _check_depth(depth), _check_ops(ops)
    if depth == 0:
        return int(rng.integers(10))
    deep = random_tree(depth - 1, ops, rng)
    other = random_tree(int(rng.integers(depth)), ops, rng)
    op = ops[int(rng.integers(len(ops)))]
    return (op, deep, other) if rng.random() < 0.5 else (op, other, deep)


def _check_tree(tree: object) -> None:
    if isinstance(tree, tuple):
        if len(tree) != 3 or tree[0] not in OPS:
            raise ValueError(f"an inner node must be (op, left, right) with op in {tuple(OPS)}.")
        _check_tree(tree[1])
        _check_tree(tree[2])
    elif isinstance(tree, bool) or not isinstance(tree, (int, np.integer)) or not 0 <= tree <= 9:
        raise ValueError(f"a leaf must be a digit 0-9; got {tree!r}.")


def evaluate(tree: Tree) -> int:
    """The value of an expression, a digit (``+ - *`` are taken modulo 10).

    Raises:
        ValueError: when ``tree`` is not a valid expression.
    """
    _check_tree(tree)
    return _evaluate(tree)


def _evaluate(tree: Tree) -> int:
    if isinstance(tree, tuple):
        op, left, right = tree
        return int(OPS[op](_evaluate(left), _evaluate(right)))
    return int(tree)


def tree_depth(tree: Tree) -> int:
    """Operators on the longest root-to-leaf path (0 for a digit)."""
    if isinstance(tree, tuple):
        return 1 + max(tree_depth(tree[1]), tree_depth(tree[2]))
    return 0


def to_string(tree: Tree) -> str:
    """The expression written out, every inner node in parentheses: ``"((3 max 5) min 4)"``.

    Raises:
        ValueError: when ``tree`` is not a valid expression.
    """
    _check_tree(tree)
    return _to_string(tree)


def _to_string(tree: Tree) -> str:
    if isinstance(tree, tuple):
        op, left, right = tree
        return f"({_to_string(left)} {op} {_to_string(right)})"
    return str(int(tree))


def tokenize(text: str) -> list[str]:
    """Split an expression string into tokens: digits, operator names, brackets.

    Raises:
        ValueError: for characters that are not part of an expression.
    """
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match:
            raise ValueError(
                f"text has an unexpected character at {pos}: {text[pos : pos + 10]!r}."
            )
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def parse(text: str) -> Tree:
    """Read a fully parenthesised expression back into its tree (the inverse of ``to_string``).

    Args:
        text: e.g. ``"((3 max 5) min 4)"`` or a single digit.

    Returns:
        The tree.

    Raises:
        ValueError: when ``text`` is not a fully parenthesised expression.
    """
    tokens = tokenize(text)
    tree, end = _parse(tokens, 0, text)
    if end != len(tokens):
        raise ValueError(f"text has tokens after the expression ends: {text!r}.")
    return tree


def _parse(tokens: list[str], i: int, text: str) -> tuple[Tree, int]:
    """Recursive descent: one expression starting at token ``i``; returns it and the next index."""
    if i >= len(tokens):
        raise ValueError(f"text ends in the middle of an expression: {text!r}.")
    if tokens[i].isdigit():
        return int(tokens[i]), i + 1
    if tokens[i] != "(":
        raise ValueError(f"expected a digit or '(' at token {i} of {text!r}; got {tokens[i]!r}.")
    left, i = _parse(tokens, i + 1, text)
    if i >= len(tokens) or tokens[i] not in OPS:
        raise ValueError(f"expected an operator at token {i} of {text!r}.")
    op = tokens[i]
    right, i = _parse(tokens, i + 1, text)
    if i >= len(tokens) or tokens[i] != ")":
        raise ValueError(f"expected ')' at token {i} of {text!r}.")
    return (op, left, right), i + 1


def encode_tokens(trees: Sequence[Tree], length: int | None = None) -> np.ndarray:
    """The written-out expressions as token ids, right-padded with 0 (ids index ``TOKENS``).

    Args:
        trees: expressions.
        length: number of columns (default: the longest expression's token count).

    Returns:
        int32 array ``(len(trees), length)``.

    Raises:
        ValueError: for an empty ``trees``, an invalid tree, or a ``length`` too short.
    """
    if len(trees) == 0:
        raise ValueError("trees must hold at least one expression.")
    rows = [[_TOKEN_ID[t] for t in tokenize(to_string(tree))] for tree in trees]
    longest = max(len(r) for r in rows)
    if length is None:
        length = longest
    length = positive_int(length, "length", minimum=longest)
    out = np.zeros((len(rows), length), dtype=np.int32)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


@dataclass(frozen=True)
class ExpressionData:
    """A set of expressions with their values.

    Attributes:
        trees: the expressions, as trees.
        values: int32 ``(n,)``, each expression's value (a digit).
        depths: int32 ``(n,)``, each tree's depth.
        strings: the expressions written out.
    """

    trees: list
    values: np.ndarray
    depths: np.ndarray
    strings: list[str]

    def __len__(self) -> int:
        return len(self.trees)


def make_expression_data(
    n: int,
    depths: Sequence[int],
    ops: Sequence[str] = ("max", "min"),
    seed: int = 0,
    exclude: Collection[str] = (),
) -> ExpressionData:
    """``n`` distinct random expressions, each of a depth drawn uniformly from ``depths``.

    A draw that repeats an expression already taken (or excluded) is skipped, so shallow depths,
    which have few distinct expressions (200 of depth 1 with two operators), may end up
    under-represented.

    Args:
        n: number of expressions.
        depths: the depths to draw from (each from 1 to 12).
        ops: operator names (see ``OPS``).
        seed: seed of the random generator; the same seed gives the same data.
        exclude: written-out expressions to leave out (e.g. a training set's ``strings``, so
            that a test set holds only unseen expressions).

    Returns:
        An ``ExpressionData``.

    Raises:
        ValueError: for bad arguments, or when fewer than ``n`` distinct expressions can be
            found at these depths.
    """
    n = positive_int(n, "n")
    if isinstance(depths, (str, int)) or not depths:
        raise ValueError(f"depths must be a non-empty sequence of depths; got {depths!r}.")
    depths = [_check_depth(d, "depths") for d in depths]
    if min(depths) < 1:
        raise ValueError(f"depths must be at least 1 (a tree with an operator); got {depths!r}.")
    ops = _check_ops(ops)
    rng = np.random.default_rng(seed)
    seen = set(exclude)
    trees: list[Tree] = []
    strings: list[str] = []
    attempts = 0
    while len(trees) < n:
        attempts += 1
        if attempts > 50 * n + 1000:
            raise ValueError(
                f"found only {len(trees)} distinct expressions of depths {depths} after "
                f"{attempts - 1} draws; ask for fewer or deeper ones."
            )
        tree = random_tree(depths[int(rng.integers(len(depths)))], ops, rng)
        text = _to_string(tree)
        if text in seen:
            continue
        seen.add(text)
        trees.append(tree)
        strings.append(text)
    return ExpressionData(
        trees=trees,
        values=np.array([_evaluate(t) for t in trees], dtype=np.int32),
        depths=np.array([tree_depth(t) for t in trees], dtype=np.int32),
        strings=strings,
    )


def bracket_depth(ids: np.ndarray, open_id: int, close_id: int) -> np.ndarray:
    """Nesting depth at every position of token sequences, from each sequence's own tokens.

    Reads each row left to right from depth 0: an opening bracket counts at its own (new) level,
    a closing bracket at the level it closes; a closing bracket with nothing open is ignored.
    So ``depth > 0`` marks the positions inside brackets, judged only from the row's tokens up
    to and including that position (nothing before the row, nothing after the position).

    Args:
        ids: int array ``(batch, time)`` (or ``(time,)``) of token ids.
        open_id: id of the opening bracket.
        close_id: id of the closing bracket (different from ``open_id``).

    Returns:
        int32 array of the same shape as ``ids``.

    Raises:
        ValueError: for ``ids`` of another rank, or equal bracket ids.
    """
    ids = np.asarray(ids)
    if ids.ndim not in (1, 2):
        raise ValueError(f"ids must be (time,) or (batch, time); got shape {ids.shape}.")
    if open_id == close_id:
        raise ValueError(f"open_id and close_id must differ; both are {open_id!r}.")
    rows = np.atleast_2d(ids)
    out = np.zeros(rows.shape, dtype=np.int32)
    depth = np.zeros(rows.shape[0], dtype=np.int32)
    for t in range(rows.shape[1]):
        depth = depth + (rows[:, t] == open_id)
        out[:, t] = depth
        depth = np.maximum(depth - (rows[:, t] == close_id), 0)
    return out.reshape(ids.shape)
