"""Render time and peak memory against drawing size, for each installed renderer.

The table behind ``autograd.draw.MAX_NODES``: micrograd-style MLPs ``MLP(2, [h, h, 1])``
(one node per scalar op, as a lecture draws them) on one input, drawn in full as SVG.
Each render runs in a fresh child process, whose peak resident memory is read with
``resource.getrusage(RUSAGE_CHILDREN)`` after it exits. Prints a Markdown table:

    .venv/bin/python tools/drawing_limit.py [--widths 4 8 16 ...]

Times are wall-clock on whatever machine runs it: for the README, run it on an idle one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, subprocess, sys, time
limit, command, source = int(sys.argv[1]), sys.argv[2:], sys.stdin.buffer.read()
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # the bound drawings run under
start = time.perf_counter()
done = subprocess.run(command, input=source, capture_output=True)
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "ok": done.returncode == 0}))
"""


def drawing(width: int) -> tuple[int, str]:
    """(nodes drawn, DOT text) for MLP(2, [width, width, 1]) on one input."""
    import nn
    from autograd import Value, draw_dot

    model = nn.MLP(2, [width, width, 1], seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    out.backward()
    from autograd.draw.analysis import GraphAnalysis
    from autograd.draw.options import DrawOptions

    nodes = GraphAnalysis(out, DrawOptions(max_nodes=None)).node_count  # as max_nodes counts
    return nodes, draw_dot(out, max_nodes=None).source


def measure(renderer: str, source: str, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` runs (the others were slowed by something else)."""
    from autograd.draw import render

    found = render.find_renderer(renderer)
    assert found is not None, renderer
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(render.MEMORY_LIMIT), str(found), "-Tsvg"],
            input=source.encode(),
            capture_output=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    return min(runs, key=lambda run: run["seconds"])


def main() -> None:
    from autograd.draw import render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[4, 8, 12, 16, 20, 24, 32])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the fastest counts")
    args = parser.parse_args()
    renderers = [r for r in render.RENDERERS if render.find_renderer(r) is not None]
    print("| model | nodes | " + " | ".join(f"{r}: s, peak MiB" for r in renderers) + " |")
    print("|---|---:|" + "---:|" * len(renderers))
    for width in args.widths:
        nodes, source = drawing(width)
        cells = []
        for renderer in renderers:
            result = measure(renderer, source, args.repeat)
            mark = "" if result["ok"] else " (failed)"
            cells.append(f"{result['seconds']:.2f} s, {result['peak_mib']:.0f}{mark}")
        print(f"| MLP(2, [{width}, {width}, 1]) | {nodes:,} | " + " | ".join(cells) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
