"""Which package files each rule runs, derived from the import graph (never hand-listed).

A rule's code is its script's file, the package function the script calls with what that
function imports, and everything those modules import in turn (module level and inside
functions alike). A per-document stage also runs its stage module, which
`tidyreview.stages` imports by name. `tidyreview dictionary` writes the result into
`workflow/tables.json`; the rules list these files as inputs, so editing any module reruns
exactly the rules that import it, directly or transitively. Paths are relative to the
repository root, so a moved or copied checkout records the same inputs.

Standard library only: `tidyreview dictionary --check` and the tests call it cheaply.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path("workflow") / "scripts"
# Import name -> folder holding it, relative to the repository root (pyproject's package-dir).
PACKAGES = {"tidyreview.schemas": Path("schemas"), "tidyreview": Path("workflow") / "tidyreview"}
STAGE_SCRIPT = "stage"


def module_file(name: str, root: Path = ROOT) -> Path | None:
    """Return the repository-relative file of package module `name`, or None if not ours."""
    for package, folder in PACKAGES.items():
        if name == package or name.startswith(package + "."):
            parts = name[len(package) :].lstrip(".").split(".") if name != package else []
            base = folder.joinpath(*parts) if parts else folder
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if (root / candidate).is_file():
                    return candidate
            return None
    return None


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """Return the absolute module name a `from ... import` refers to."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = ".".join(parts[:keep])
    return f"{base}.{node.module}" if node.module else base


def _imported(nodes, module: str, is_package: bool) -> set[str]:
    """Return the module names imported by the import statements among `nodes`."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            names.add(target)
            # `from tidyreview import benchmarks` imports a submodule.
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def _module_name(path: Path) -> str:
    for package, folder in PACKAGES.items():
        if path.is_relative_to(folder):
            rest = path.relative_to(folder).with_suffix("").parts
            rest = rest[:-1] if rest and rest[-1] == "__init__" else rest
            return ".".join((package, *rest))
    return path.stem


def _parse(path: Path, root: Path) -> ast.Module:
    return ast.parse((root / path).read_text(encoding="utf-8"), filename=str(path))


def module_imports(path: Path, root: Path = ROOT, function: str | None = None) -> set[Path]:
    """Return the package files module `path` imports: all of them, or, with `function`,
    those at module level plus those inside that function."""
    tree = _parse(path, root)
    name, is_package = _module_name(path), path.name == "__init__.py"
    if function is None:
        nodes = list(ast.walk(tree))
    else:
        nodes = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                nodes += list(ast.walk(node))
    files = {module_file(n, root) for n in _imported(nodes, name, is_package)}
    # A submodule's package __init__ runs first.
    for n in list(_imported(nodes, name, is_package)):
        while "." in n:
            n = n.rsplit(".", 1)[0]
            files.add(module_file(n, root))
    return {f for f in files if f is not None and f != path}


def closure(roots: set[Path], root: Path = ROOT, walked: set[Path] = frozenset()) -> set[Path]:
    """Return `roots` and every package file they import, transitively (files in `walked`
    are taken as they are: their imports were already followed)."""
    seen: set[Path] = set(walked)
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(module_imports(path, root) - seen)
    return seen


def script_code(script: Path, root: Path = ROOT) -> set[Path]:
    """Return the files a rule's script runs: itself and the package functions it calls."""
    tree = _parse(script, root)
    entries: set[Path] = {script}
    files: set[Path] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            target = module_file(node.module, root)
            if target is None:
                continue
            entries.add(target)
            for alias in node.names:
                files |= module_imports(target, root, function=alias.name)
        elif isinstance(node, ast.Import):
            files |= {f for a in node.names if (f := module_file(a.name, root))}
    return closure(files, root, walked=entries)


def rule_code(stage_modules: dict[str, str], root: Path = ROOT) -> dict[str, list[str]]:
    """Return {rule: sorted repository-relative files it runs}.

    One entry per script of workflow/scripts (named after its rule) except the stage
    script, which gives one entry per stage in `stage_modules` ({stage: module name})."""
    code: dict[str, list[str]] = {}
    for script in sorted((root / SCRIPTS).glob("*.py")):
        relative = script.relative_to(root)
        files = script_code(relative, root)
        if script.stem != STAGE_SCRIPT:
            code[script.stem] = sorted(p.as_posix() for p in files)
            continue
        for stage, module in stage_modules.items():
            stage_file = module_file(f"tidyreview.{module}", root)
            if stage_file is None:
                raise ValueError(f"stage {stage}: no module tidyreview.{module}")
            code[stage] = sorted(p.as_posix() for p in files | closure({stage_file}, root))
    return dict(sorted(code.items()))
