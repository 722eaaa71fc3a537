"""Helpers shared by test modules (pytest puts tests/ on sys.path)."""
from __future__ import annotations

import shutil
from pathlib import Path


def mirror_copy(mirror: Path, tmp_path: Path, replace: str, *, prefix: str = "") -> Path:
    """A raw directory of symlinks to the mirror (folders starting with `prefix`), except
    `replace`, which is a real copy a test may break without touching the mirror."""
    raw = tmp_path / "raw"
    for src in mirror.rglob("*"):
        rel = src.relative_to(mirror)
        if not src.is_file() or not rel.parts[0].startswith(prefix):
            continue
        dst = raw / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == replace:
            shutil.copyfile(src, dst)
        else:
            dst.symlink_to(src)
    return raw


def one_row(frame, **where):
    """The single row of `frame` whose columns equal `where` (nulls never match); fails
    the test, naming the filter, when there are none or several."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= (frame[column] == value).fillna(False)
    hit = frame[mask]
    assert len(hit) == 1, f"{len(hit)} rows for {where}"
    return hit.iloc[0]


def mirror(required: str = "") -> Path:
    """The offline mirror of the releases. A missing mirror fails the run with this message
    rather than skipping the tests that read it: CI always has it, and a suite that skips
    its real-data tests would pass while testing nothing."""
    import pytest

    from analysis.paths import mirror_dir

    found = mirror_dir()
    if found is None or not (found / required).exists():
        where = f"{found / required}" if found is not None else "DATA_MIRROR (unset) or ../shared/data"
        pytest.fail(f"the data mirror is missing ({where} not found): set DATA_MIRROR to the folder of "
                    "official releases, or place them at ../shared/data. These tests read the real "
                    "releases and are never skipped.", pytrace=False)
    return found


# --- headless Chromium as a reader (tests/chromium_tabs.py) ---------------------------

def copying_tab(browser, url: str, width: int):
    """A tab as a reader's browser is: focused, allowed to write the clipboard on a click."""
    browser.send("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    tab = browser.open(url, width=width, mobile=width < 600)
    tab.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
    return tab


def click_as_reader(tab, expression: str):
    """A click as from the reader (a user gesture), not merely a script event."""
    tab.send("Runtime.evaluate", {"expression": f"{expression}.click()", "userGesture": True})
