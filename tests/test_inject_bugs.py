"""``tools/inject_bugs.py`` stays usable: every bug's patch still applies to today's code.

Running the bugs takes about 16 minutes, so ``make test`` does not; but a refactoring that
moves the code a patch targets would leave the tool broken until someone ran it (it
happened once: the pow entry's Code moved into a named constant). Applying a patch takes
milliseconds, so here each one is applied to the real file, must change it, and must
still compile (``inject_bugs.apply`` checks both).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("inject_bugs", ROOT / "tools" / "inject_bugs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["inject_bugs"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


@pytest.mark.parametrize("bug", TOOL.BUGS, ids=[bug.name for bug in TOOL.BUGS])
def test_the_patch_applies_to_todays_code(bug: Any) -> None:
    source = (ROOT / bug.path).read_text(encoding="utf-8")
    assert TOOL.apply(bug, source) != source


def test_a_patch_that_misses_is_reported() -> None:
    bug = TOOL.BUGS[0]
    with pytest.raises(TOOL.PatchDidNotApply):
        TOOL.apply(bug, "x = 1\n")
