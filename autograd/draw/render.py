"""Turning DOT text into SVG, PNG or PDF with a Graphviz renderer found on this machine.

The lookup prefers the system Graphviz ``dot`` (on ``PATH``) and falls back to
``graphviz-pure``, a self-contained renderer installed from PyPI into this Python's
scripts folder (``pip install graphviz-pure``, part of chainrule's ``render`` extra).
graphviz-pure writes no PDF, so a PDF from it is a 300-dpi image on a PDF page.

To choose one, set the environment variable ``CHAINRULE_RENDERER`` to ``dot`` or
``graphviz-pure``, or pass ``renderer=`` to ``Drawing.render`` and ``Drawing.pipe``; the
one chosen must then be installed (there is no fallback to the other).

The renderer runs as a child process limited to :data:`MEMORY_LIMIT` bytes of address
space on Linux (``setrlimit`` before it starts), so a drawing forced past ``max_nodes``
fails with a clear error instead of taking the machine's memory.

Imports nothing of ours: the standard library only (``autograd.render`` re-exports it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path

try:
    import resource  # POSIX only
except ImportError:  # Windows: no memory limit
    resource = None  # type: ignore[assignment]

__all__ = [
    "FORMATS",
    "INSTALL_HELP",
    "MEMORY_LIMIT",
    "RENDERERS",
    "RendererError",
    "RendererNotFoundError",
    "find_renderer",
    "jpeg_to_pdf",
    "render_bytes",
    "run",
]

FORMATS = ("svg", "png", "pdf")
TIMEOUT_SECONDS = 120
PDF_DPI = 300  # resolution of the image in a PDF made without a PDF-capable renderer
RENDERERS = ("dot", "graphviz-pure")  # the names CHAINRULE_RENDERER and renderer= take
# The renderer's address-space limit: at the default max_nodes both renderers peak below
# 60 MiB (tools/drawing_limit.py), so this leaves a forced drawing thirty times as much.
MEMORY_LIMIT = 2 * 2**30

INSTALL_HELP = """\
no Graphviz renderer found: neither Graphviz's `dot` nor `graphviz-pure` is installed.
Install either one:
  any system:  pip install graphviz-pure        (a self-contained renderer from PyPI)
  Linux:       sudo apt install graphviz        (Fedora: sudo dnf install graphviz)
  macOS:       brew install graphviz
  Windows:     winget install graphviz          (or choco install graphviz); open a new terminal
The DOT text (`.source`) needs no renderer."""


class RendererError(RuntimeError):
    """The renderer could not be run, failed, or took too long."""


class RendererNotFoundError(RendererError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is installed."""


def find_renderer(name: str | None = None) -> Path | None:
    """The renderer called ``name`` ("dot" or "graphviz-pure"), None if not installed.

    Without a name: the one ``CHAINRULE_RENDERER`` names, else the system ``dot`` if on
    PATH, else ``graphviz-pure`` (next to this Python or on PATH).
    """
    name = name or os.environ.get("CHAINRULE_RENDERER") or None
    if name is not None and name not in RENDERERS:
        raise ValueError(
            f"renderer must be one of {', '.join(RENDERERS)} (CHAINRULE_RENDERER or "
            f"renderer=), got {name!r}"
        )
    if name in (None, "dot"):
        dot = shutil.which("dot")
        if dot or name == "dot":
            return Path(dot) if dot else None
    # pip puts graphviz-pure into the scripts folder of the environment, which is not on
    # PATH when a notebook kernel runs a venv's Python without activating the venv.
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent), None):
        found = shutil.which("graphviz-pure", path=folder)
        if found:
            return Path(found)
    return None


def _renderer(name: str | None) -> Path:
    found = find_renderer(name) if name else find_renderer()
    if found is None:
        chosen = name or os.environ.get("CHAINRULE_RENDERER")
        if chosen:
            raise RendererNotFoundError(
                f"the renderer {chosen!r} was asked for (renderer= or CHAINRULE_RENDERER) "
                f"but is not installed.\n{INSTALL_HELP}"
            )
        raise RendererNotFoundError(INSTALL_HELP)
    return found


def render_bytes(
    source: str, format: str, dpi: int | None = None, renderer: str | None = None
) -> bytes:
    """Run the renderer on DOT ``source``; return the file it writes, as bytes."""
    if format not in FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(FORMATS)}; got {format!r}")
    found = _renderer(renderer)
    options = [f"-Gdpi={dpi}"] if dpi is not None and format != "svg" else []
    if format != "pdf":
        return _run(found, source, [f"-T{format}", *options])
    try:
        return _run(found, source, ["-Tpdf"])
    except RendererError as error:
        if "not recognized" not in str(error):  # graphviz-pure, or a dot built without cairo
            raise
    dpi = dpi or PDF_DPI
    return jpeg_to_pdf(_run(found, source, ["-Tjpg", f"-Gdpi={dpi}"]), dpi)


def run(source: str, arguments: list[str], renderer: str | None = None) -> bytes:
    """Run the renderer with command-line ``arguments`` (``["-Tjson"]``) on DOT ``source``."""
    return _run(_renderer(renderer), source, arguments)


def _run(renderer: Path, source: str, options: list[str]) -> bytes:
    command = [str(renderer), *options]
    shown = " ".join(command)
    setrlimit = getattr(resource, "setrlimit", None) if resource else None
    limited = setrlimit is not None and sys.platform.startswith("linux")

    def bound() -> None:  # runs in the child, before exec: every mapping of it counts
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    try:
        # preexec_fn runs Python in the forked child, before exec; it makes two system calls
        # and takes no lock, so the other threads of a Jupyter kernel cannot block it.
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=bound if limited else None,
            env=_one_arena() if limited else None,
        )
    except OSError as error:
        raise RendererError(f"could not run {shown}: {error}") from None
    with child:
        try:
            # "replace": a hand-made DOT text with a lone surrogate still renders (escape()
            # keeps them out of ours)
            data = source.encode("utf-8", "replace")
            out, err = child.communicate(data, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise RendererError(
                f"{shown} did not finish within {TIMEOUT_SECONDS} s: the graph is too large "
                "to lay out; draw less of it (max_nodes=, or model= with collapse=)"
            ) from None
    if child.returncode != 0:
        message = err.decode("utf-8", "replace").strip()
        limit = f"(it may use {MEMORY_LIMIT / 2**20:,.0f} MiB)"
        advice = "the graph is too large to lay out; draw less of it (max_nodes=, or model= "
        advice += "with collapse=)"
        if any(word in message.lower() for word in ("memory", "alloc")):
            raise RendererError(
                f"{shown} ran out of memory {limit}: {advice}. The renderer said: {message}"
            )
        if child.returncode < 0 and limited:  # dot crashes when an allocation fails
            name = signal.Signals(-child.returncode).name
            raise RendererError(
                f"{shown} was stopped by {name}, most likely out of memory {limit}: {advice}"
            )
        raise RendererError(f"{shown} failed (exit {child.returncode}): {message}")
    return out


def _one_arena() -> dict[str, str]:
    """The environment with one malloc arena: glibc reserves 64 MiB of address space for each
    thread's own arena (dot's font libraries start threads), which would make the bound
    count reservations, at random, rather than memory used."""
    return {"MALLOC_ARENA_MAX": "1", **os.environ}


def jpeg_to_pdf(jpeg: bytes, dpi: int) -> bytes:
    """A one-page PDF showing a JPEG image at ``dpi`` (PDF embeds JPEG data as it is)."""
    width, height, components = _jpeg_size(jpeg)
    colorspace = {1: "/DeviceGray", 3: "/DeviceRGB"}.get(components)
    if colorspace is None:
        raise RendererError(f"jpeg_to_pdf: a JPEG with {components} colour components")
    w, h = width * 72 / dpi, height * 72 / dpi  # page size in points (1/72 inch)
    draw = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
        "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace {colorspace} /BitsPerComponent 8 /Filter /DCTDecode "
        f"/Length {len(jpeg)} >>\nstream\n".encode()
        + jpeg
        + b"\nendstream",
        f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    pdf += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(pdf)


def _jpeg_size(jpeg: bytes) -> tuple[int, int, int]:
    """(width, height, colour components) from a JPEG's start-of-frame segment."""
    i = 2  # after the start-of-image marker FF D8
    while i + 9 < len(jpeg):
        if jpeg[i] != 0xFF:
            break
        marker, length = jpeg[i + 1], int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            height = int.from_bytes(jpeg[i + 5 : i + 7], "big")
            width = int.from_bytes(jpeg[i + 7 : i + 9], "big")
            return width, height, jpeg[i + 9]
        i += 2 + length
    raise RendererError("jpeg_to_pdf: the renderer's JPEG has no start-of-frame segment")
