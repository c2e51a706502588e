"""One cast: every test takes its people from zhiyuan.testing, none imports a conftest.py.

The fixtures live in `zhiyuan.testing.cast` (registered for every test by the root
conftest.py) and the helpers in `zhiyuan.testing.factories`. A conftest.py holds only what
applies to its own directory (autouse settings, a module-scoped scene), so no test reaches into
another app's conftest.py, and no cast is rebuilt through pytest's private fixture internals.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python_files() -> list[Path]:
    files = [*ROOT.joinpath("tests").rglob("*.py"), *ROOT.joinpath("src").rglob("*.py")]
    files.append(ROOT / "conftest.py")
    return sorted(f for f in files if "migrations" not in f.parts)


def conftest_imports(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line module` for each import of a conftest module in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            modules = [("." * node.level) + (node.module or "")]
            modules += [f"{modules[0]}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        if any("conftest" in module.split(".") for module in modules):
            found.append(f"{path.relative_to(root)}:{node.lineno} {modules[0]}")
    return found


def test_no_test_imports_a_conftest():
    offenders = [hit for path in python_files() for hit in conftest_imports(path)]
    assert offenders == [], "import these from zhiyuan.testing.factories instead:\n" + "\n".join(
        offenders
    )


def test_no_fixture_is_called_through_pytest_internals():
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files()
        if path != Path(__file__).resolve()
        and "_get_wrapped_function" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_check_sees_a_conftest_import(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from zhiyuan.teams.tests.conftest import corps\n"
        "import conftest as root\n"
        "def test():\n"
        "    from .conftest import YEAR\n",
        encoding="utf-8",
    )
    assert len(conftest_imports(sample, tmp_path)) == 3
