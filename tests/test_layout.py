"""The folders are the map (docs/architecture.md): no module imports one above it, and every
name the packaging gives a module path (entry points) still resolves after a move."""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "letters"

# The audience packages built on the pipeline (letters/*.py), and which of each other they may
# use: the batch looks up ridings (directory) and reads signature images (sending); the web page
# looks up ridings, cleans a drawn signature and drafts the email. The CLI may import anything.
AUDIENCES = {
    "batch": {"directory", "sending"},
    "directory": set(),
    "translation": set(),
    "sending": set(),
    "web": {"directory", "sending"},
    "organiser": {"translation"},  # checks a campaign's catalogs, proofreads its letters
}
CLI = "cli"


def layer(module: str) -> str:
    """`letters.batch.engine` -> "batch"; `letters.recipients` and `letters` -> "pipeline"."""
    parts = module.split(".")
    if parts[:2] == ["letters", "__main__"]:
        return CLI
    if len(parts) > 1 and (parts[1] in AUDIENCES or parts[1] == CLI):
        return parts[1]
    return "pipeline"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """Every `letters…` module the file imports, anywhere in it (late imports included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from . import catalog` imports the submodule letters.<package>.catalog
            if not node.module:
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return [(line, target) for line, target in found if target.split(".")[0] == "letters"]


def upward_imports() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = layer(module_name(path))
        if source == CLI:
            continue
        allowed = {"pipeline", source} | AUDIENCES.get(source, set())
        for line, target in imported(path):
            if layer(target) not in allowed:
                where = path.relative_to(ROOT)
                wrong.append(f"{where}:{line}: {source} imports {target} ({layer(target)})")
    return wrong


def test_no_module_imports_a_package_above_it():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule itself: a pipeline module reaching into an audience package is caught."""
    assert layer("letters.recipients") == "pipeline"
    assert layer("letters") == "pipeline"
    assert layer("letters.translation.catalog") == "translation"
    assert layer("letters.cli.batch") == CLI
    source = tmp_path / "letters" / "pipeline_probe.py"
    source.parent.mkdir()
    source.write_text("def f():\n    from .translation import catalog\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "letters")
    assert upward_imports() == [
        "letters/pipeline_probe.py:2: pipeline imports letters.translation (translation)"
    ]


def test_every_package_says_what_it_is_for_and_exports_what_it_names():
    for name in (*AUDIENCES, CLI):
        package = importlib.import_module(f"letters.{name}")
        assert package.__doc__ and package.__doc__.strip(), f"letters/{name}/__init__.py"
        for export in getattr(package, "__all__", ()):
            assert getattr(package, export) is not None, f"letters.{name}.{export}"


def pyproject_entry_points() -> list[tuple[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = list(project.get("scripts", {}).items())
    for group in project.get("entry-points", {}).values():
        named += list(group.items())
    return named


def resolve(value: str):
    module, _, attribute = value.partition(":")
    found = importlib.import_module(module.strip())
    for part in filter(None, attribute.strip().split(".")):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("name,value", pyproject_entry_points())
def test_pyproject_entry_points_name_modules_that_exist(name, value):
    assert callable(resolve(value)), f"{name} = {value}"


def test_installed_entry_points_resolve():
    """What Babel and the shell actually load: the installed metadata (pip install -e .)."""
    ours = list(distribution("letters").entry_points)
    assert {ep.name for ep in ours} >= {"letters", "letters_campaign"}
    for ep in ours:
        assert callable(ep.load()), f"{ep.group}: {ep.name} = {ep.value}"
    installed = {ep.name: ep.value for ep in ours}
    for name, value in pyproject_entry_points():
        assert installed.get(name) == value, f"reinstall: pip install -e . ({name})"


def test_no_source_file_is_ignored_by_git():
    """Hatch leaves out of the wheel what .gitignore names: a package folder whose name an
    ignore pattern matches (`directory/`, the imported House) would ship without its code."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    sources = [str(p.relative_to(ROOT)) for p in (ROOT / "letters").rglob("*.py")]
    sources += [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")]
    ignored = subprocess.run(
        [git, "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(sources),
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == []
