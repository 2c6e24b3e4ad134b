"""chainrule's benchmark: chainrule (both paths) against micrograd and hand-written floats.

Usage: python benchmarks/run.py [--rounds N] [--quick]   (``make bench`` builds .venv-bench,
with chainrule and micrograd 0.1.0 from PyPI, and runs this with that environment's Python.)

Every measurement runs in a fresh process (``benchmarks/cases.py``), and the engines take
turns round after round, so a noisy neighbour on a shared machine hits them all alike.
Figures are medians over the rounds with [min - max]; ratios are of medians measured in
this run. Nothing here is asserted: timings are reported, never used as pass/fail limits.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CASES = Path(__file__).with_name("cases.py")
ENGINES = ["micrograd", "chainrule", "fused", "nn", "compiled", "floats"]
NAMES = {
    "micrograd": "micrograd 0.1.0",
    "chainrule": "chainrule, micrograd's granularity",
    "fused": "chainrule fast path (dot)",
    "nn": "chainrule nn.MLP(fused=True)",
    "compiled": "chainrule nn.fit(compile=True), an epoch",
    "floats": "hand-written floats",
}
CHAIN, LONG_CHAIN = 100_000, 3_000_000
# PyTorch 2.13 (CPU, 0-d float64 tensors) as measured for issue 6; not installed here.
PYTORCH = {"demo": "0.59x micrograd", "chain": "52 s, +2.8 GB", "bytes": "~1,100, freed"}


def measure(*args: str) -> dict[str, Any]:
    """Run one case in a fresh interpreter; its last stdout line is a JSON object."""
    done = subprocess.run(
        [sys.executable, str(CASES), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"benchmark case {' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def spread(xs: list[float], scale: float = 1.0, digits: int = 1) -> str:
    """median [min - max], scaled."""
    med, lo, hi = statistics.median(xs) * scale, min(xs) * scale, max(xs) * scale
    return f"{med:.{digits}f} [{lo:.{digits}f} - {hi:.{digits}f}]"


def relative_difference(a: list[float], b: list[float]) -> float:
    return (
        max(abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(a, b) if x != y)
        if a != b
        else 0.0
    )


def check_agreement() -> bool:
    """Loss and gradients of the same step from every engine; prints the largest differences."""
    result = measure("check")
    ref = result["chainrule"]
    print("Same step, same weights: loss and the 337 gradients against chainrule's unfused graph")
    ok = True
    for engine in ("fused", "nn", "compiled", "micrograd", "floats"):
        other = result[engine]
        d_loss = relative_difference([ref["loss"]], [other["loss"]])
        d_grad = relative_difference(ref["grads"], other["grads"])
        agree = d_loss <= 1e-12 and d_grad <= 1e-12
        ok &= agree
        print(
            f"  {NAMES[engine]:<36} loss {other['loss']:.17g}  max relative difference: "
            f"loss {d_loss:.1e}, gradients {d_grad:.1e}  {'OK' if agree else 'MISMATCH'}"
        )
    print()
    return ok


def demo_table(rounds: int) -> None:
    times: dict[tuple[str, str], list[float]] = {}
    losses: dict[str, list[float]] = {}
    for r in range(rounds):
        for mode in ("gc", "nogc"):
            for engine in ENGINES if r % 2 == 0 else ENGINES[::-1]:
                out = measure("demo", engine, mode)
                times.setdefault((engine, mode), []).append(statistics.median(out["times"]))
                if out["losses"] is not None:  # fit(compile=True) reports no per-step losses
                    losses.setdefault(engine, out["losses"])

    def ratio(engine: str, mode: str, reference: str) -> str:
        """Median of the round-by-round ratios: a round's two figures share its noise."""
        pairs = zip(times[(engine, mode)], times[(reference, mode)])
        return f"{statistics.median(t / ref for t, ref in pairs):.3g}"

    print("micrograd's demo training step: MLP(2, [16, 16, 1]), 100 moons points, hinge loss + L2,")
    print(f"backward, SGD; ms per step, median [min - max] over {rounds} rounds; ratios are")
    print("medians of the ratios within each round")
    print()
    print("| engine | default (GC on) | x micrograd | x floats | GC off | x micrograd | x floats |")
    print("|---|---|---|---|---|---|---|")
    for engine in ENGINES:
        on, off = times[(engine, "gc")], times[(engine, "nogc")]
        cells = [NAMES[engine]]
        for mode, ts in (("gc", on), ("nogc", off)):
            cells += [spread(ts, 1000, 2), ratio(engine, mode, "micrograd")]
            cells += [ratio(engine, mode, "floats")]
        print("| " + " | ".join(cells) + " |")
    print(f"| PyTorch 2.13 scalars (issue 6, not measured here) | | {PYTORCH['demo']} | | | | |")
    print()
    worst = max(relative_difference(losses["chainrule"], other) for other in losses.values())
    print(
        "losses of the timed steps:",
        ", ".join(f"{x:.6f}" for x in losses["chainrule"]),
        f"(all engines; largest relative difference {worst:.1e})",
    )
    print()


def chain_table(rounds: int, quick: bool) -> None:
    print(
        f"Backward of a chain y = x * x * ... * x; seconds, median [min - max] over {rounds} rounds"
    )
    print()
    print("| engine | nodes | build | backward | free | peak memory | x.grad |")
    print("|---|---|---|---|---|---|---|")
    default = measure("chain", "micrograd", str(CHAIN))
    print(f"| micrograd (default recursion limit) | {CHAIN:,} | | {default['error']} | | | |")
    plan = [
        ("micrograd", CHAIN, str(4 * CHAIN)),
        ("chainrule", CHAIN, ""),
        ("floats", CHAIN, ""),
    ]
    if not quick:
        plan += [("chainrule", LONG_CHAIN, ""), ("floats", LONG_CHAIN, "")]
    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in range(rounds):
        for engine, n, limit in plan if r % 2 == 0 else plan[::-1]:
            if n == LONG_CHAIN and r >= 3:  # ~10 s a round: three rounds are enough
                continue
            results.setdefault((engine, n), []).append(measure("chain", engine, str(n), limit))
    for engine, n, limit in plan:
        runs = results[(engine, n)]
        name = NAMES[engine] + (f" (recursion limit raised to {limit})" if limit else "")
        cells = [spread([run[k] for run in runs], 1, 3) for k in ("build", "backward", "free")]
        if engine == "micrograd":  # del returns at once: its cycles wait for the collector
            cells[2] = "left to the cyclic GC"
        peak = spread([run["peak_mb"] for run in runs], 1, 0)
        print(f"| {name} | {n:,} | {' | '.join(cells)} | +{peak} MB | {runs[0]['grad']:.9g} |")
    if not quick:
        pytorch = f"PyTorch 2.13 (issue 6, not measured here) | {LONG_CHAIN:,}"
        print(f"| {pytorch} | | {PYTORCH['chain']} | | | |")
    print()


def memory_table() -> None:
    print("Bytes per node (tracemalloc; GC disabled) and whether a dropped graph is freed")
    print()
    print("| graph | engine | bytes per node | after backward | freed with GC off? |")
    print("|---|---|---|---|---|")
    for kind, what in (
        ("unary", "chain of tanh (micrograd: relu)"),
        ("binary", "chain of y * x"),
        ("neuron", "16-input neuron, per neuron"),
    ):
        for engine in ("micrograd", "chainrule"):
            out = measure("memory", engine, kind)
            name = (
                "chainrule (one dot node)" if kind == "neuron" and engine == "chainrule" else engine
            )
            print(
                f"| {what} | {name} | {out['bytes_per_node']:.0f} "
                f"| {out['bytes_per_node_after_backward']:.0f} "
                f"| {'yes' if out['nodes_left_after_drop'] == 0 else 'no'}: "
                f"{out['nodes_left_after_drop']:,} of {out['nodes_alive']:,} nodes left |"
            )
    print(f"| scalar ops | PyTorch 2.13 (issue 6, not measured here) | {PYTORCH['bytes']} | | |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every case (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 rounds, no 3-million-node chain")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    start = time.perf_counter()
    print(f"Python {sys.version.split()[0]} ({sys.executable})")
    print()
    ok = check_agreement()
    demo_table(rounds)
    chain_table(rounds, args.quick)
    memory_table()
    print(f"({time.perf_counter() - start:.0f} s)")
    if not ok:
        sys.exit("the engines disagree on the loss or the gradients (see above)")


if __name__ == "__main__":
    main()
