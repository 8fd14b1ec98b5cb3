"""Fail on an import cycle inside ``course_lib``: ``make lint`` runs this.

Every ``import`` of a ``course_lib`` module counts, at the top of a file or inside a function
(a function's import runs when it is called, and a cycle through it is still a cycle a maintainer
has to untangle); imports under ``if TYPE_CHECKING:`` do not, since they never run. An edge goes
from a module to the module it names: ``from course_lib.plots import apply_style`` points at the
package ``course_lib.plots``; ``from course_lib import cells`` at ``course_lib.cells``. Importing
``course_lib.data.scenes`` also runs ``course_lib/data/__init__.py``, so it counts as an import of
``course_lib.data`` too, unless the importing module lives in that package (which is then already
being imported). The top-level package is left out of this rule: every module lies in it.

Usage: ``python tools/check_imports.py [package folder]``; exit status 1 with each cycle printed.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package under ``package`` by dotted name."""
    base = package.parent
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST):
    """The Import and ImportFrom nodes of ``tree`` outside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_block(child):
                stack.extend(child.orelse)  # type: ignore[attr-defined]
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            stack.append(child)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = module_names(package)
    top = package.name
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:  # relative: resolve against this module's package
                    parent = name.split(".") if is_package else name.split(".")[:-1]
                    parent = parent[: len(parent) - (node.level - 1)]
                    source = ".".join(parent + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = []
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.append(sub if sub in modules else source)
            for target in targets:
                if target == top or target.startswith(top + "."):
                    while target not in modules:  # import a.b.c where c is a name
                        target = target.rpartition(".")[0]
                    if target != name:
                        graph[name].add(target)
                    parts = target.split(".")
                    for depth in range(2, len(parts)):  # the subpackages the import runs
                        parent = ".".join(parts[:depth])
                        if not (name == parent or name.startswith(parent + ".")):
                            graph[name].add(parent)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(1000, 10 * len(graph)))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    package = Path(args[0]) if args else ROOT / "course_lib"
    graph = import_graph(package)
    found = cycles(graph)
    for component in found:
        inside = set(component)
        edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & inside)]
        print(f"import cycle among {', '.join(component)}:\n  " + "\n  ".join(edges))
    if found:
        print("Break each cycle: move the shared code down a layer, or the import up a layer.")
        return 1
    print(f"no import cycle among the {len(graph)} modules of {package.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
