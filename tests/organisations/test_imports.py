"""Organisations sits below people: people's models point at organisations, never the other way round."""

import ast
from pathlib import Path

import fitforwork.organisations

PACKAGE = Path(fitforwork.organisations.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_organisations_never_imports_people_even_inside_a_function():
    offenders = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in PACKAGE.rglob("*.py")
        for module in _imported_modules(path)
        if module == "fitforwork.people" or module.startswith("fitforwork.people.")
    }
    assert not offenders, "Import shared choices from fitforwork.core.choices instead"


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from fitforwork.people.models import Employment\n")
    assert "fitforwork.people.models" in _imported_modules(sample)
