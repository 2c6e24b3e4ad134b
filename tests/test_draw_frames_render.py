"""Step-through frames through real renderers, both of them: Graphviz's dot and graphviz-pure.

Every frame must have the same layout (only the numbers and the red change), no text may
sit on other text or on a node it does not belong to (read off the renderer's own layout,
``-Tjson``), and the files (SVG frames, GIF, APNG) must be what they say they are.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import pytest
from drawing_helpers import lecture_neuron, recorded_toy_mlp_graph

from autograd.draw import backward_frames, render, save_animation, save_frames

SVG = "{http://www.w3.org/2000/svg}"


def _find(name: str) -> str | None:
    if name == "dot":
        return shutil.which("dot")
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent), None):
        found = shutil.which(name, path=folder)
        if found:
            return found
    return None


@pytest.fixture(params=["dot", "graphviz-pure"])
def renderer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with each renderer (skipped, saying so, where one is not installed)."""
    path = _find(request.param)
    if path is None:
        how = "apt-get install graphviz" if request.param == "dot" else "pip install graphviz-pure"
        pytest.skip(f"{request.param} is not installed ({how})")
    monkeypatch.setattr(render, "find_renderer", lambda: Path(path))
    return path


def lecture_drawings() -> dict[str, Any]:
    _, calls, _, loss = recorded_toy_mlp_graph([3, 2])
    return {
        "neuron": backward_frames(lecture_neuron(), forward=True),
        "neuron TB": backward_frames(lecture_neuron(), rankdir="TB", show_local_grads=True),
        "MLP": backward_frames(loss, model=calls, collapse=True, forward=True),
    }


def layout(source: str, renderer: str) -> dict[str, Any]:
    done = subprocess.run([renderer, "-Tjson"], input=source.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def node_places(graph: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    return {
        o["name"]: (o["pos"], o["width"], o["height"])
        for o in graph.get("objects", [])
        if "pos" in o
    }


def texts(graph: dict[str, Any]) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(owner, text, box) for every piece of text the renderer placed: box is x0, y0, x1, y1
    in points, from the text's baseline, alignment, width and font size."""
    found = []
    owners = [("graph", graph), *[(o["name"], o) for o in graph.get("objects", [])]]
    owners += [(f"edge {e['tail']}->{e['head']}", e) for e in graph.get("edges", [])]
    for owner, item in owners:
        for key in ("_ldraw_", "_hldraw_", "_tldraw_", "_xldraw_"):
            size = 14.0
            for op in item.get(key, []):
                if op["op"] == "F":
                    size = op["size"]
                elif op["op"] == "T" and op["text"].strip():
                    x, y = op["pt"]
                    x0 = {"l": x, "c": x - op["width"] / 2, "r": x - op["width"]}[op["align"]]
                    found.append(
                        (owner, op["text"], (x0, y - 0.2 * size, x0 + op["width"], y + 0.75 * size))
                    )
    return found


def overlap(a: tuple[float, ...], b: tuple[float, ...], slack: float = 0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def node_boxes(graph: dict[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    boxes = {}
    for o in graph.get("objects", []):
        if "pos" in o:
            x, y = map(float, o["pos"].split(","))
            w, h = float(o["width"]) * 36, float(o["height"]) * 36  # half, in points
            boxes[o["name"]] = (x - w, y - h, x + w, y + h)
    return boxes


@pytest.mark.renderer
@pytest.mark.slow
def test_every_frame_has_the_same_layout_and_no_text_on_other_text(renderer: str) -> None:
    for name, frames in lecture_drawings().items():
        graphs = [layout(frame.source, renderer) for frame in frames]
        places = [(g["bb"], node_places(g)) for g in graphs]
        assert all(p == places[0] for p in places), name  # nothing moves from frame to frame
        for graph in graphs:
            placed = texts(graph)
            for i, (owner, text, box) in enumerate(placed):
                for other, text2, box2 in placed[i + 1 :]:
                    assert not overlap(box, box2), (name, owner, text, other, text2)
                if owner == "graph" or owner.startswith("edge"):  # a caption or a label
                    names = {o["name"]: o for o in graph.get("objects", [])}
                    for node, nbox in node_boxes(graph).items():
                        assert node in names and not overlap(box, nbox), (name, owner, text, node)


def centre(points: str) -> tuple[float, float]:
    xy = [tuple(map(float, p.split(","))) for p in points.split()]
    return sum(p[0] for p in xy) / len(xy), sum(p[1] for p in xy) / len(xy)


@pytest.mark.renderer
def test_the_red_arrows_point_back_to_the_inputs(renderer: str) -> None:
    """In a backward frame each red edge's arrowhead is at the input's end (the gradient
    flows from the op back to it); in a forward frame, at the op's end."""
    for frame, back in [(backward_frames(lecture_neuron())[1], True),
                        (backward_frames(lecture_neuron(), forward=True)[1], False)]:  # fmt: skip
        svg = ET.fromstring(frame.pipe("svg"))
        red = 0
        for g in svg.iter(f"{SVG}g"):
            path = g.find(f"{SVG}path")
            if g.get("class") != "edge" or path is None or path.get("stroke") != "#d55e00":
                continue
            red += 1
            # Graphviz draws each edge's path from its tail (the input) to its head (the op)
            points = [
                tuple(map(float, p.split(",")))
                for p in re.findall(r"-?[\d.]+,-?[\d.]+", path.get("d", ""))
            ]
            arrow = centre(g.find(f"{SVG}polygon").get("points", ""))
            at_tail = math.dist(arrow, points[0]) < math.dist(arrow, points[-1])
            assert at_tail == back, (g.findtext(f"{SVG}title"), back)
        assert red == 3  # the + node's two inputs and its own edge from the op


@pytest.mark.renderer
def test_save_frames_writes_one_svg_per_step(renderer: str, tmp_path: Path) -> None:
    frames = backward_frames(lecture_neuron())
    paths = save_frames(frames, tmp_path / "frames")
    assert [Path(p).name for p in paths] == [f"frame_{i:03d}.svg" for i in range(1, 6)]
    for i, path in enumerate(paths, 1):
        tree = ET.fromstring(Path(path).read_bytes())
        words = " ".join(t.text or "" for t in tree.iter(f"{SVG}text"))
        assert f"backward {i}/5" in words


def apng_frames(data: bytes) -> tuple[int, int, list[float]]:
    """(frames, plays, delays in ms) of an APNG, from its chunks (PNG spec, APNG extension)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, delays, frames, plays = 8, [], 0, -1
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + length]
        assert (
            zlib.crc32(kind + body)
            == struct.unpack(">I", data[i + 8 + length : i + 12 + length])[0]
        )
        if kind == b"acTL":
            frames, plays = struct.unpack(">II", body)
        elif kind == b"fcTL":
            numerator, denominator = struct.unpack(">HH", body[20:24])
            delays.append(1000 * numerator / (denominator or 100))
        i += 12 + length
    return frames, plays, delays


@pytest.mark.renderer
@pytest.mark.slow
def test_save_animation_writes_a_gif_and_an_apng(renderer: str, tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image", reason="save_animation needs Pillow")
    frames = backward_frames(lecture_neuron(), forward=True)
    gif = save_animation(frames, tmp_path / "backprop.gif", interval=700, pause=1300)
    with image.open(gif) as animation:
        assert animation.format == "GIF" and animation.n_frames == len(frames) == 10
        assert animation.info["loop"] == 0  # forever
        durations, pictures = [], []
        for k in range(animation.n_frames):
            animation.seek(k)
            durations.append(animation.info["duration"])
            pictures.append(animation.convert("RGB").tobytes())
    assert durations == [700] * 9 + [2000]
    assert len(set(pictures)) == len(frames)  # every frame shows something new
    data = Path(save_animation(frames, tmp_path / "backprop.png", 500, loop=False)).read_bytes()
    assert apng_frames(data) == (10, 1, [500.0] * 9 + [2500.0])


def test_save_animation_says_what_it_needs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    frames = backward_frames(lecture_neuron())
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL now fails
    with pytest.raises(ImportError, match="pip install pillow"):
        save_animation(frames, tmp_path / "a.gif")
    for bad, error, message in [
        ("a.mp4", ValueError, "must end in one of .gif, .png, .apng"),
        ("a.gif", TypeError, "interval must be a number"),
    ]:
        with pytest.raises(error, match=message):
            save_animation(frames, tmp_path / bad, interval="1s" if error is TypeError else 100)
    with pytest.raises(TypeError, match="non-empty list of drawings"):
        save_animation([], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="pause must be at least 0"):
        save_animation(frames, tmp_path / "a.gif", pause=-1)
    assert not list(tmp_path.iterdir())  # nothing half-written
