"""The engine is a plain package: importing and running it loads no Django."""

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent


def test_importing_and_solving_loads_no_django():
    code = (
        "import sys\n"
        "from zhiyuan.matching import solve\n"
        "from zhiyuan.matching.tests.factories import volunteer, demand\n"
        "assert len(solve([volunteer()], [demand()]).pairs) == 1\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_no_module_of_the_engine_imports_django_or_an_app():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith("django"), (path.name, name)
                assert not name.startswith("zhiyuan.") or name.startswith("zhiyuan.matching"), (
                    path.name,
                    name,
                )
