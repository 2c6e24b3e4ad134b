"""Text fits its box in the fonts SVG viewers actually show for "Helvetica".

graphviz-pure sizes boxes with Helvetica's exact widths; a Linux viewer without Helvetica
or Liberation Sans shows DejaVu Sans, which is wider, so drawings give every text cell a
minimum width measured in DejaVu Sans (autograd.draw.style.text_width). Checked three
ways: the width table against the font files; each text's width in each font against its
node in the renderer's layout; and pictures: the SVG rasterized by rsvg-convert and by
headless Chromium with each font, where no glyph ink may touch a node's border or a rule
between its cells.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from drawing_helpers import lecture_mlp, slide_neuron
from layout import Box, Layout, font_file, font_width, layout

from autograd import draw_dot
from autograd.draw import Drawing, render
from autograd.draw.style import text_width

FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
PURE = "graphviz-pure"

needs_pure = pytest.mark.skipif(render.find_renderer(PURE) is None, reason="no graphviz-pure")


def installed(family: str) -> str:
    """The family, or its metric twin fontconfig installs under its own name."""
    if font_file(family) is not None:
        return family
    twin = {"Arial": "Liberation Sans", "Helvetica": "Liberation Sans"}.get(family)
    if twin is None or font_file(twin) is None:
        pytest.skip(f"{family} is not installed (apt install fonts-dejavu-core fonts-liberation)")
    return twin


def drawings() -> dict[str, Drawing]:
    o, params = slide_neuron()
    return {
        "neuron": draw_dot(o, params=params, show_local_grads=True, legend=True),
        "mlp": lecture_mlp(),
    }


# -- the width table ------------------------------------------------------------------------
@pytest.mark.parametrize("bold", [False, True])
def test_the_width_table_is_dejavu_sans(bold: bool) -> None:
    pytest.importorskip("PIL", reason="Pillow measures the font file")
    installed("DejaVu Sans")
    for code in range(32, 127):
        measured = font_width(chr(code), 1000, bold)
        assert text_width(chr(code), 1000, bold) == pytest.approx(measured, abs=1), chr(code)


@pytest.mark.parametrize("family", FAMILIES)
def test_no_font_is_wider_than_the_table_says(family: str) -> None:
    pytest.importorskip("PIL", reason="Pillow measures the font file")
    family = installed(family)
    for text in ["data -2.068", "grad 0.0005447", "neurons.3 · Neuron", "x1w1 + x2w2", "∂ -3.000"]:
        for bold in (False, True):
            widest = text_width(text, 14, bold) * 1.001  # the table is rounded to 1/1000 em
            assert font_width(text, 14, bold, family) <= widest


# -- each text inside its own node, in each font -------------------------------------------
@pytest.mark.renderer
@pytest.mark.parametrize("renderer", render.RENDERERS)
@pytest.mark.parametrize("family", FAMILIES)
def test_every_text_fits_its_node_in_each_font(renderer: str, family: str) -> None:
    pytest.importorskip("PIL", reason="Pillow measures the font file")
    if render.find_renderer(renderer) is None:
        pytest.skip(f"{renderer} is not installed")
    family = installed(family)
    for name, drawing in drawings().items():
        seen = layout(drawing, renderer, font=family)
        assert seen.outside_own_node() == [], name
        assert seen.overlaps() == [], name


def test_the_old_layout_overflowed_in_dejavu_sans() -> None:
    """The measurement can fail: a cell sized for Helvetica alone (no minimum width), as
    graphviz-pure laid it out before, is too narrow for DejaVu Sans."""
    pytest.importorskip("PIL", reason="Pillow measures the font file")
    if render.find_renderer(PURE) is None:
        pytest.skip("no graphviz-pure")
    installed("DejaVu Sans")
    o, params = slide_neuron()
    source = re.sub(r' width="\d+"', "", draw_dot(o, params=params).source)
    source = source.replace('rows="*"', 'columns="*"').replace("</td></tr><tr><td", "</td><td")
    assert layout(source, PURE).overlaps()


# -- pictures ---------------------------------------------------------------------------------
def with_font(svg: str, family: str) -> str:
    return re.sub(r'font-family="[^"]*"', f'font-family="{family}"', svg)


def without_text(svg: str) -> str:
    return re.sub(r"<text\b[^>]*>.*?</text>", "", svg, flags=re.S)


def rsvg(svg: str, folder: Path, name: str) -> Path:
    source, out = folder / f"{name}.svg", folder / f"{name}.png"
    source.write_text(svg, encoding="utf-8")
    subprocess.run(["rsvg-convert", "-z", "2", "-o", str(out), str(source)], check=True)
    return out


def chromium(svg: str, folder: Path, name: str) -> Path:
    source, out = folder / f"{name}.svg", folder / f"{name}.png"
    source.write_text(svg, encoding="utf-8")
    width, height = (
        float(v) for v in re.findall(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)[0]
    )
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None
    profile = folder / f"profile-{name}"
    profile.mkdir()
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--hide-scrollbars", "--force-device-scale-factor=2",
        f"--window-size={int(width * 4 / 3) + 1},{int(height * 4 / 3) + 1}",
        f"--screenshot={out}", source.as_uri(),
    ]  # fmt: skip
    subprocess.run([browser, *flags], check=True, capture_output=True, timeout=120)
    return out


def ink_on_lines(seen: Layout, with_text: Path, bare: Path) -> list[str]:
    """Where glyph ink (pixels that differ once the text is removed) touches a node's
    border or a rule between its cells."""
    from PIL import Image, ImageChops

    a, b = Image.open(with_text).convert("L"), Image.open(bare).convert("L")
    ink = ImageChops.difference(a, b).point(lambda v: 255 if v > 96 else 0)
    pixels = ink.load()
    per_px = a.width / (seen.size_pt[0] * seen.scale)  # slide px -> raster px
    found = []

    def inked(box: Box) -> bool:
        x0, x1 = round(box.x0 * per_px), round(box.x1 * per_px)
        y0, y1 = round(box.y0 * per_px), round(box.y1 * per_px)
        return any(
            pixels[x, y]
            for x in range(max(x0, 0), min(x1 + 1, a.width))
            for y in range(max(y0, 0), min(y1 + 1, a.height))
        )

    for shape in seen.shapes + seen.frames:  # nodes, and the legend's outlined cells
        if shape.ellipse is not None:
            continue  # an op's symbol sits well inside its ellipse
        o = shape.box
        for edge in (Box(o.x0, o.y0, o.x0, o.y1), Box(o.x1, o.y0, o.x1, o.y1)):
            if inked(edge):
                found.append(f"ink on the border of {shape.owner} at {o}")
    found += [f"ink on a rule in {rule.owner}" for rule in seen.rules if inked(rule.box)]
    return found


@pytest.mark.renderer
@needs_pure
@pytest.mark.parametrize("rasterizer", ["rsvg-convert", "chromium"])
@pytest.mark.parametrize("family", FAMILIES)
def test_graphviz_pure_svg_text_keeps_off_borders_and_rules(
    rasterizer: str, family: str, tmp_path: Path
) -> None:
    pytest.importorskip("PIL", reason="Pillow reads the pictures")
    program = {"rsvg-convert": "rsvg-convert", "chromium": "chromium"}[rasterizer]
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed (tools/system-packages.sh installs it)")
    family = installed(family)
    draw = rsvg if rasterizer == "rsvg-convert" else chromium
    for name, drawing in drawings().items():
        svg = with_font(drawing.pipe("svg", renderer=PURE).decode("utf-8"), family)
        seen = layout(drawing, PURE, font=None)
        shown, bare = draw(svg, tmp_path, name), draw(without_text(svg), tmp_path, name + "-bare")
        assert ink_on_lines(seen, shown, bare) == [], (name, family)
