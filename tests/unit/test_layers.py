"""The layering contracts in pyproject.toml hold (import-linter), and files stay in their lane."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kafkatui"


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("domain", {"textual", "rich", "confluent_kafka", "pydantic"}),
        ("tui", {"confluent_kafka"}),
        ("kafka", {"textual", "rich"}),
    ],
)
def test_package_does_not_import(package: str, forbidden: set[str]) -> None:
    for path in (SRC / package).rglob("*.py"):
        bad = imports(path) & forbidden
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_only_kafka_imports_confluent_kafka() -> None:
    for path in SRC.rglob("*.py"):
        if "confluent_kafka" in imports(path):
            assert path.relative_to(SRC).parts[0] == "kafka", path


def test_import_linter_contracts() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter not installed (pip install -e .[dev])")
    r = subprocess.run([exe], capture_output=True, text=True, cwd=SRC.parents[1], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
