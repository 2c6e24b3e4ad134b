"""A step-through as an animated image for a slide: a GIF, or an APNG.

PowerPoint, Keynote and Google Slides all play an animated GIF, so that is the format for
a slide; an APNG (``.png``) keeps every colour exactly, for browsers and documents. Each
frame is rendered to PNG by the Graphviz renderer, and Pillow, an optional dependency
(``pip install pillow``), puts the frames together. The file is written atomically.

Imports: :mod:`autograd.draw.drawing` (rendering), :mod:`autograd.draw.slider` (the
interval's check) and :mod:`autograd.files` (the atomic write).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd.draw.drawing import Drawing
from autograd.draw.slider import check_interval
from autograd.files import write_atomically

__all__ = ["FORMATS", "save_animation"]

FORMATS = {".gif": "GIF", ".png": "PNG", ".apng": "PNG"}  # by the file's suffix

PILLOW_HELP = (
    "save_animation needs Pillow to put the frames together: pip install pillow "
    "(without it, save_frames(frames, folder, format='png') writes the frames as PNG files, "
    "and frames.save_html(path) a page that plays them)"
)


def save_animation(
    frames: Sequence[Drawing],
    path: str | os.PathLike[str],
    interval: float = 1000,
    *,
    pause: float = 2000,
    dpi: int = 96,
    loop: bool = True,
) -> str:
    """Write ``frames`` as an animation to ``path`` (``.gif`` or ``.png``/``.apng``); return it.

    Each frame shows for ``interval`` milliseconds, the last one ``pause`` milliseconds
    longer before the animation starts again (``loop=False``: it plays once). ``dpi`` sets
    the resolution (96: one point of the drawing is 1.33 pixels; 192 for a 4K projector).

    A GIF has 256 colours: the frames are drawn in few, so nothing is lost but a little
    smoothness at the edges of letters.
    """
    interval = check_interval(interval, "save_animation")
    if isinstance(pause, bool) or not isinstance(pause, (int, float)):
        raise TypeError(f"save_animation: pause must be milliseconds, got {pause!r}")
    if not pause >= 0:  # also refuses nan
        raise ValueError(f"save_animation: pause must be at least 0 milliseconds, got {pause!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int):
        raise TypeError(f"save_animation: dpi must be an int, got {dpi!r}")
    if dpi < 1:
        raise ValueError(f"save_animation: dpi must be at least 1, got {dpi!r}")
    target = Path(path)
    kind = FORMATS.get(target.suffix.lower())
    if kind is None:
        raise ValueError(
            f"save_animation: {str(target)!r} must end in one of {', '.join(FORMATS)} "
            "(.gif for PowerPoint, Keynote and Google Slides)"
        )
    drawings = list(frames)
    if not drawings or not all(isinstance(frame, Drawing) for frame in drawings):
        raise TypeError("save_animation: frames must be a non-empty list of drawings (Frames)")
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(PILLOW_HELP) from error
    images = _same_size([Image.open(io.BytesIO(frame.pipe("png", dpi))) for frame in drawings])
    durations = [round(interval)] * len(images)
    durations[-1] += round(pause)
    options: dict[str, Any] = {"save_all": True, "append_images": images[1:], "duration": durations}
    if kind == "GIF":  # one palette per frame, no dithering: the text stays sharp
        images = [im.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
                  for im in images]  # fmt: skip
        options["append_images"] = images[1:]
        if loop:
            options["loop"] = 0  # forever; without the option a GIF plays once
    else:
        options["loop"] = 0 if loop else 1  # APNG's number of plays (0: forever)
    buffer = io.BytesIO()
    images[0].save(buffer, format=kind, **options)
    write_atomically(target, buffer.getvalue())
    return str(target)


def _same_size(images: list[Any]) -> list[Any]:
    """The frames on white, all as large as the largest (every frame has the same layout,
    so they are the same size already unless a renderer rounds differently)."""
    from PIL import Image

    width = max(im.width for im in images)
    height = max(im.height for im in images)
    out = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        rgba = im.convert("RGBA")
        canvas.paste(rgba, (0, 0), rgba)
        out.append(canvas)
    return out
