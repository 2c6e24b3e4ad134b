"""The README's pictures are current: docs/figures/*.dot is what the code draws now, and
each PNG is what graphviz-pure makes of it. After a change to the drawings, rerun
``tools/make_figures.py`` and commit what it writes."""

from __future__ import annotations

import json
from pathlib import Path

import drawing_helpers  # noqa: F401  (puts tools/ on the path)
import pytest
from make_figures import DPI, FOLDER, RENDERER, figures, renderer_version  # via drawing_helpers

from autograd.draw import render

HOW = "rerun tools/make_figures.py and commit docs/figures/"


@pytest.mark.parametrize("name", sorted(figures()))
def test_the_dot_text_of_each_figure_is_current(name: str) -> None:
    committed = (FOLDER / f"{name}.dot").read_text(encoding="utf-8")
    assert figures()[name].source == committed, HOW  # type: ignore[attr-defined]


@pytest.mark.renderer
@pytest.mark.parametrize("name", sorted(figures()))
def test_each_png_is_its_dot_text_rendered(name: str) -> None:
    if render.find_renderer(RENDERER) is None:
        pytest.skip(f"{RENDERER} is not installed")
    made_with = json.loads((FOLDER / "renderer.json").read_text())["renderer"]
    if renderer_version() != made_with:
        pytest.skip(f"the PNGs were made by {made_with}, this is {renderer_version()}")
    source = (FOLDER / f"{name}.dot").read_text(encoding="utf-8")
    png = render.render_bytes(source, "png", DPI, RENDERER)
    assert png == Path(FOLDER / f"{name}.png").read_bytes(), HOW


def test_the_readme_shows_each_figure() -> None:
    readme = (FOLDER.parent.parent / "README.md").read_text(encoding="utf-8")
    for name in figures():
        assert f"(docs/figures/{name}.png)" in readme
