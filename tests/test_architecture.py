"""The one-way architecture as a test: the import contracts in pyproject.toml
([tool.importlinter]) hold, and they do catch a chapter module that imports another."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis import paths

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_import_contracts_hold():
    run = _lint(paths.ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_import_contracts_catch_a_chapter_leaning_on_another(tmp_path):
    shutil.copytree(paths.ROOT / "analysis", tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(paths.ROOT / "pyproject.toml", tmp_path)
    allies = tmp_path / "analysis" / "chapters" / "allies.py"
    allies.write_text(allies.read_text(encoding="utf-8") + "\nfrom analysis.chapters import instruments  # noqa\n"
                      "from analysis.extract import commodities  # noqa\n", encoding="utf-8")
    run = _lint(tmp_path)
    assert run.returncode != 0
    assert "Chapter modules are independent of each other BROKEN" in run.stdout
    assert "analysis.chapters.allies -> analysis.chapters.instruments" in run.stdout
    assert "do not import the pipeline (extract, acquire, render, CLI) BROKEN" in run.stdout
