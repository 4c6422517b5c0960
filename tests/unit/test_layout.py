"""The package's layout keeps its rules: every module in a subpackage by its job, each subpackage
importing only the parts its docstring names, and no import cycle between modules."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import pipeline

PACKAGE = Path(pipeline.__file__).parent
ENTRY_POINTS = {"__init__", "__main__", "app", "cli"}
"""the only top-level modules: the command line, and the app Faust's own command loads (-A pipeline.app)"""

MAY_IMPORT = {
    "domain": set(),
    "contracts": set(),
    "console": set(),
    "config": {"domain"},
    "formats": {"contracts", "console"},
    "evaluation": {"domain", "contracts", "config", "console"},
    "worker": {"domain", "contracts", "config", "console"},
    "broker": {"contracts", "config", "console", "formats"},
    "web": {"domain", "contracts", "config", "console", "formats", "broker"},
    "commands": {"app", "domain", "contracts", "config", "console", "formats", "broker", "worker", "web", "evaluation"},
}
"""each subpackage's own imports besides itself, as its docstring says"""


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield ".".join(("pipeline", *parts)).removesuffix(".__init__"), path


def pipeline_imports(path: Path, *, module_level_only: bool = False) -> set[str]:
    """The pipeline modules ``path`` imports, leaving out those for type checking alone."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    scope = tree.body if module_level_only else list(ast.walk(tree))
    found = set()
    for node in scope:
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("pipeline"))
    return found


def test_every_module_is_in_a_subpackage_but_the_entry_points() -> None:
    top_level = {path.stem for path in PACKAGE.glob("*.py")}
    assert top_level == ENTRY_POINTS
    subpackages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(MAY_IMPORT) - {"app"}


@pytest.mark.parametrize("subpackage", sorted(MAY_IMPORT))
def test_a_subpackage_imports_only_what_its_docstring_allows(subpackage: str) -> None:
    allowed = {"pipeline", f"pipeline.{subpackage}", *(f"pipeline.{other}" for other in MAY_IMPORT[subpackage])}
    broken = {
        name: sorted(
            imported for imported in pipeline_imports(path) if ".".join(imported.split(".")[:2]) not in allowed
        )
        for name, path in modules()
        if name.startswith(f"pipeline.{subpackage}.") or name == f"pipeline.{subpackage}"
    }
    assert {name: wrong for name, wrong in broken.items() if wrong} == {}


@pytest.mark.parametrize("subpackage", sorted(MAY_IMPORT))
def test_each_subpackage_says_what_it_holds_and_what_it_may_import(subpackage: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / subpackage / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"pipeline.{subpackage} has no docstring"
    assert all(other in doc for other in MAY_IMPORT[subpackage]), doc


def test_no_module_imports_itself_back_at_load() -> None:
    graph = {name: pipeline_imports(path, module_level_only=True) for name, path in modules()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail[trail.index(name) :], name))
        if name in done:
            return
        for imported in graph.get(name, ()):
            visit(imported, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def public_surface(module: str) -> set[str] | None:
    """The names a module's ``__all__`` lists, or None when it has none."""
    path = PACKAGE.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__all__" for target in node.targets):
            return set(ast.literal_eval(node.value))
    return None


def test_what_a_subpackage_takes_from_another_is_that_modules_public_surface() -> None:
    """Across subpackages, a module is used only through what its ``__all__`` offers: a name taken
    from outside it is one its authors meant to be taken, and changing it is a change to its surface."""
    outside: dict[str, list[str]] = {}
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline.")):
                continue
            if node.module.split(".")[:2] == name.split(".")[:2]:
                continue
            surface = public_surface(node.module) or set()
            taken = [alias.name for alias in node.names if alias.name not in surface]
            if taken:
                outside.setdefault(f"{name} <- {node.module}", []).extend(taken)
    assert outside == {}


def test_every_name_a_public_surface_lists_is_there() -> None:
    for name, path in modules():
        surface = public_surface(name)
        if not surface:
            continue
        module = importlib.import_module(name)
        submodules = {child.stem for child in path.parent.glob("*.py")} | {
            child.parent.name for child in path.parent.glob("*/__init__.py")
        }
        absent = {n for n in surface if not hasattr(module, n) and not (path.name == "__init__.py" and n in submodules)}
        assert not absent, f"{name}.__all__ lists {sorted(absent)}"
