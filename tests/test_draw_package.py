"""The autograd.draw package itself: its public names, its layers, and its size.

Each module's docstring says what it may import; LAYERS below is the same table, read off
the modules' import statements, so a new import across the layers is a decision (change
the docstring and the table) rather than an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import autograd
import autograd.draw
import autograd.render
from autograd.draw import render

PACKAGE = Path(autograd.draw.__file__).parent
AUTOGRAD = PACKAGE.parent

# What each module of autograd.draw may import from autograd (autograd.draw.<name> or the
# engine's modules); the standard library is always allowed.
LAYERS: dict[str, set[str]] = {
    "escape": set(),
    "style": set(),
    "render": set(),
    "options": {"render", "autograd.engine"},
    "modules": {"autograd.engine"},
    "analysis": {"options", "modules", "autograd.engine"},
    "state": {"analysis", "autograd.engine"},
    "emit": {
        "analysis",
        "modules",
        "escape",
        "state",
        "style",
        "autograd.engine",
        "autograd.rules",
    },
    "drawing": {"render", "autograd.files"},
    "steps": {"analysis", "autograd.engine"},
    "captions": {"analysis", "steps", "autograd.engine", "autograd.rules"},
    "slider": {"drawing"},
    "animation": {"drawing", "slider", "autograd.files"},
    "frames": {
        "analysis",
        "captions",
        "drawing",
        "emit",
        "options",
        "slider",
        "state",
        "steps",
        "autograd.engine",
        "autograd.files",
    },
    "__init__": {
        "analysis",
        "animation",
        "drawing",
        "emit",
        "frames",
        "options",
        "autograd.engine",
    },
}


def ours(path: Path) -> set[str]:
    """The autograd modules ``path`` imports, autograd.draw.<name> shortened to <name>."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "autograd.draw":  # from autograd.draw import render
                names = [f"autograd.draw.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("autograd", "nn"):
                found.add(name.removeprefix("autograd.draw."))
    return found


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_each_module_imports_only_what_its_layer_allows(module: str) -> None:
    assert ours(PACKAGE / f"{module}.py") <= LAYERS[module]


def test_every_module_of_the_package_is_in_the_table_and_small() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert sorted(p.stem for p in files) == sorted(LAYERS)
    for path in files:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.name}: {lines} lines; cut it by job"


def test_autograd_imports_nothing_from_nn() -> None:
    for path in AUTOGRAD.rglob("*.py"):
        assert not [m for m in ours(path) if m.split(".")[0] == "nn"], path


def test_the_public_names_are_where_they_were() -> None:
    from autograd.draw import (  # noqa: F401
        MAX_NODES,
        RANKDIRS,
        Drawing,
        Frames,
        GraphTooLargeError,
        backward_frames,
        save_animation,
        save_frames,
        step_through,
    )

    assert autograd.draw_dot is autograd.draw.draw_dot
    assert (MAX_NODES, RANKDIRS) == (3000, ("LR", "TB", "RL", "BT"))


def test_autograd_render_re_exports_the_renderer_lookup() -> None:
    assert autograd.render.__all__ == render.__all__
    for name in render.__all__:
        assert getattr(autograd.render, name) is getattr(render, name), name
    assert set(render.__all__) >= {
        "find_renderer",
        "render_bytes",
        "RendererError",
        "RendererNotFoundError",
        "INSTALL_HELP",
        "FORMATS",
        "jpeg_to_pdf",
    }
