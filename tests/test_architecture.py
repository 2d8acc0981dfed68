"""The layers of docs/architecture.md hold (import-linter's contracts in pyproject.toml), and an
import that runs upward breaks them: the check would catch the next one."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dsar", "officers", "api", "portal", "reports", "casework", "correspondence",
            "letters", "notifications", "accounts", "cases")  # fmt: skip
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_domain_importing_an_interface_breaks_them(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with open(tree / "cases" / "clock.py", "a") as module:
        module.write("\nfrom officers import admin as _upward  # noqa\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "cases is not allowed to import officers" in result.stdout
    assert "cases.clock -> officers.admin" in result.stdout


def test_one_interface_importing_another_breaks_them(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with open(tree / "api" / "views.py", "a") as module:
        module.write("\nfrom portal import views as _sideways  # noqa\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "api is not allowed to import portal" in result.stdout
