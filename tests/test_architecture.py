"""Import direction between `sitegen/` packages follows STYLE.md §10 (checked on the AST, not by importing)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

# Lower rank = more basic. A module may import only units of a lower rank, or modules of its own package.
RANKS: dict[str, int] = {
    "sitegen": 0,  # __init__: __version__ only
    "sitegen.errors": 1,
    "sitegen.textio": 2,
    "sitegen.processes": 2,
    "sitegen.yaml_mapping": 3,
    "sitegen.config": 4,
    "sitegen.text": 5,
    "sitegen.workers": 6,  # worker processes: signal set-up, core count
    "sitegen.source": 10,
    "sitegen.content": 20,
    "sitegen.images": 25,  # pictures the pages name: found, checked, processed before rendering
    "sitegen.render": 30,
    "sitegen.output": 40,
    "sitegen.build": 50,
    "sitegen.serve": 60,
    "sitegen.publish": 60,
    "sitegen.check": 55,  # publish runs the checks
    "sitegen.scaffold": 60,
    "sitegen.starter": 60,
    "sitegen.status": 60,
    "sitegen.cli": 90,
    "sitegen.__main__": 99,
}
# The importer is a side branch: it may use the foundation, `source` and `content`, and nothing after them.
IMPORTER_MAY_USE = {"sitegen", "sitegen.errors", "sitegen.textio", "sitegen.yaml_mapping", "sitegen.config"} | {
    "sitegen.processes",
    "sitegen.source",
    "sitegen.content",
}


def unit_of(module: str) -> str:
    """`sitegen.render.pages` -> `sitegen.render`; top-level modules are their own unit."""
    parts = module.split(".")
    return ".".join(parts[:2])


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sitegen_imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every `sitegen.*` import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "sitegen"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "sitegen":
                found.append((node.lineno, target))
    return found


def check_import(source: str, target: str) -> str | None:
    """Why `source` may not import `target`, or None when it may."""
    src_unit, dst_unit = unit_of(source), unit_of(target)
    if src_unit == dst_unit:
        return None
    if src_unit == "sitegen.importer":
        return None if dst_unit in IMPORTER_MAY_USE else f"the importer may not use {dst_unit}"
    if dst_unit == "sitegen.importer":
        return None if src_unit == "sitegen.cli" else f"only the CLI may use the importer, not {src_unit}"
    if src_unit not in RANKS or dst_unit not in RANKS:
        return f"{src_unit if src_unit not in RANKS else dst_unit} has no place in STYLE.md §10; add it to RANKS"
    if RANKS[dst_unit] >= RANKS[src_unit]:
        return f"{src_unit} (rank {RANKS[src_unit]}) may not import {dst_unit} (rank {RANKS[dst_unit]})"
    return None


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        for line, target in sitegen_imports(path):
            why = check_import(source, target)
            if why:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {why}")
    return found


def test_architecture_imports_point_backwards() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sitegen.content.load", "sitegen.render.pages"),
        ("sitegen.render.pages", "sitegen.output.writer"),
        ("sitegen.source.files", "sitegen.content.model"),
        ("sitegen.errors", "sitegen.config"),
        ("sitegen.importer.emit", "sitegen.render.markdown"),
        ("sitegen.build", "sitegen.importer"),
        ("sitegen.build", "sitegen.cli"),
    ],
)
def test_architecture_check_rejects_forward_import(source: str, target: str) -> None:
    assert check_import(source, target) is not None


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sitegen.render.pages", "sitegen.content.model"),
        ("sitegen.output.writer", "sitegen.render.output"),
        ("sitegen.importer.emit", "sitegen.content.slugs"),
        ("sitegen.cli", "sitegen.build"),
        ("sitegen.content.load", "sitegen.content.model"),
    ],
)
def test_architecture_check_allows_backward_import(source: str, target: str) -> None:
    assert check_import(source, target) is None


def test_architecture_relative_imports_are_resolved() -> None:
    assert unit_of("sitegen.render.pages") == "sitegen.render"
    pages = PACKAGE / "render" / "pages.py"
    targets = [t for _, t in sitegen_imports(pages)]
    assert "sitegen.content.model" in targets


def public_classes() -> dict[str, list[str]]:
    """Module names by public class name, over all of `sitegen/`."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found.setdefault(node.name, []).append(module_name(path))
    return found


def test_architecture_class_names_say_one_thing() -> None:
    # Issue 18: two `BuiltSite` and three `Target` meant different things in different packages.
    assert {name: mods for name, mods in public_classes().items() if len(mods) > 1} == {}


def test_architecture_module_names_say_one_thing() -> None:
    # Issue 18: `content/site.py` (loading) and `render/site.py` (orchestration) were two `site.py`.
    names: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py":
            names.setdefault(path.stem, []).append(module_name(path))
    assert {stem: mods for stem, mods in names.items() if len(mods) > 1 and stem == "site"} == {}
