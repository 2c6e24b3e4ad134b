"""Prove the engine tests can fail: inject classic autodiff bugs, one at a time.

Each bug is applied to a temporary *copy* of the repository (the real files are never
touched), the engine tests run there, and the tests that failed are collected. The
script prints a table bug -> catching tests and exits non-zero if a bug survived (no
test failed) or a patch did not apply.

    .venv/bin/python tools/inject_bugs.py            # every bug
    .venv/bin/python tools/inject_bugs.py --list     # the bugs, without running anything
    .venv/bin/python tools/inject_bugs.py relu-at-0  # some of them

Patches are small regular expressions applied inside one function of the source (found
by name), so they survive refactoring around them; when a pattern no longer matches,
the script stops with "patch did not apply" instead of testing unpatched code.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = "tests/test_engine_*.py"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", ".hypothesis", "__pycache__", ".*_cache", "*.egg-info", "notebooks"
)


class PatchDidNotApply(RuntimeError):
    pass


# -- finding code and patching it ------------------------------------------------------
def function_span(source: str, name: str, after: int = 0) -> tuple[int, int]:
    """Start and end offsets of ``def name(...)`` (at any indentation) and its body."""
    match = re.compile(rf"^([ \t]*)def {re.escape(name)}\(", re.M).search(source, after)
    if match is None:
        raise PatchDidNotApply(f"no function {name!r}")
    indent = len(match.group(1))
    end = len(source)
    # the body ends at the first non-blank line indented no deeper than the def,
    # after the signature's closing "):" line
    body_start = source.index(":\n", match.end()) + 2
    for line in re.finditer(r"^([ \t]*)\S.*$", source[body_start:], re.M):
        if len(line.group(1)) <= indent:
            end = body_start + line.start()
            break
    return match.start(), end


def rule_span(source: str, op: str) -> tuple[int, int]:
    """The ``@op("name", ...)`` entry of the rule table: the decorator and its function."""
    match = re.search(rf'^@op\(\s*"{re.escape(op)}"', source, re.M)
    if match is None:
        raise PatchDidNotApply(f"no rule for op {op!r}")
    name = re.compile(r"^def (\w+)\(", re.M).search(source, match.end())
    if name is None:
        raise PatchDidNotApply(f"no function after @op({op!r})")
    return match.start(), function_span(source, name.group(1), match.start())[1]


def substitute(
    source: str,
    span: tuple[int, int],
    alternatives: list[tuple[str, str]],
    what: str,
) -> str:
    """Apply the first (pattern, replacement) that matches inside span; fail loudly if none."""
    start, end = span
    region = source[start:end]
    for pattern, replacement in alternatives:
        patched, count = re.subn(pattern, replacement, region, flags=re.M)
        if count:
            return source[:start] + patched + source[end:]
    raise PatchDidNotApply(f"{what}: none of {[p for p, _ in alternatives]} matched")


@dataclass(frozen=True)
class Bug:
    name: str
    path: str
    description: str
    patch: Callable[[str], str]
    classic: bool = True  # one of the six, else an extra


def overwrite_gradient(src: str) -> str:
    span = function_span(src, "backpropagate")
    return substitute(
        src,
        span,
        [
            (r"(\b[\w.]+\.grad)\s*\+=\s*", r"\1 = "),
            (r"(\b[\w.]+\.grad)\s*=\s*\1\s*\+\s*", r"\1 = "),
        ],
        "gradient accumulation in backpropagate",
    )


def swap_rsub(src: str) -> str:
    return substitute(
        src, function_span(src, "__rsub__"), [(r"return [^\n]+", "return self - other")], "__rsub__"
    )


def swap_rtruediv(src: str) -> str:
    return substitute(
        src,
        function_span(src, "__rtruediv__"),
        [(r"return [^\n]+", "return self / other")],
        "__rtruediv__",
    )


def relu_grad_one_at_zero(src: str) -> str:
    """relu'(0) = 1: the step function compares with >= instead of >."""
    try:
        return substitute(src, rule_span(src, "relu"), [(r"\b(\w+) > 0\b", r"\1 >= 0")], "relu")
    except PatchDidNotApply:  # the rule calls a step helper
        return substitute(src, function_span(src, "_step"), [(r" > 0\b", " >= 0")], "_step")


def drop_exponent_gradient(src: str) -> str:
    """pow's d/d(exponent) = 0: the exponent gradient is never passed on."""
    return substitute(
        src, rule_span(src, "pow"), [(r"return ([^,\n]+), [^\n]+", r"return \1, 0.0")], "pow rule"
    )


# The graph walk in engine.py: _walk, behind both topological_order and backward()'s order.
WALKS = ("_walk",)


def walks(src: str) -> list[str]:
    """The walks present, after checking that backward() reaches one of them
    (directly, or through the function it calls for its order)."""
    present = [name for name in WALKS if re.search(rf"^\s*def {name}\(", src, re.M)]
    reached = src[slice(*function_span(src, "backward"))]
    if re.search(r"^\s*def _backward_order\(", src, re.M):
        reached += src[slice(*function_span(src, "_backward_order"))]
    if not any(re.search(rf"\b{name}\(", reached) for name in present):
        raise PatchDidNotApply(f"backward() reaches none of {present}: update WALKS")
    return present


# micrograd's build_topo, once per walk, keeping each walk's contract
RECURSIVE_WALKS = {
    "_walk": """
    order: list[Value] = []
    visited: set[Value] = set()

    def build(node: Value) -> None:
        if node not in visited and (leaves or node._prev):
            visited.add(node)
            if reset_grads and node._prev:
                node.grad = 0.0
            for parent in node._prev:
                build(parent)
            order.append(node)

    build({root})
    return order

""",
}


def recursive_sort(src: str) -> str:
    for name in walks(src):
        start, end = function_span(src, name)
        signature = re.compile(rf"def {name}\((\w+).*?\).*?:\n", re.S).match(src, start)
        if signature is None:
            raise PatchDidNotApply(f"{name}'s signature")
        doc = re.match(r'\s*(""".*?"""\n)?', src[signature.end() : end], re.S)
        head = signature.end() + (doc.end() if doc else 0)
        body = RECURSIVE_WALKS[name].format(root=signature.group(1))
        src = src[:head] + body + src[end:]
    return src


def hash_by_value(src: str) -> str:
    """The walks' visited sets are keyed by data: distinct nodes with equal data merge."""
    for name in walks(src):
        src = substitute(
            src,
            function_span(src, name),
            [(r"\.add\(id\((\w+)\)\)", r".add(\1.data)"), (r"\.add\((\w+)\)", r".add(\1.data)")],
            f"visited.add in {name}",
        )
        src = substitute(
            src,
            function_span(src, name),
            [
                (r"\bid\((\w+)\) (not )?in\b", r"\1.data \2in"),
                (r"\bif (\w+) (not )?in\b", r"if \1.data \2in"),
            ],
            f"visited membership test in {name}",
        )
    return src


def stale_intermediate_gradients(src: str) -> str:
    """micrograd's backward(): intermediate nodes keep the previous pass's gradient."""
    reset = [(r"^(\s*)(\w+)\.grad = 0\.0$", r"\1pass")]
    for name in ["backward", *walks(src)]:
        try:
            return substitute(src, function_span(src, name), reset, name)
        except PatchDidNotApply:
            continue
    raise PatchDidNotApply("resetting intermediate gradients: not found in backward or its walk")


def tanh_derivative_wrong(src: str) -> str:
    """tanh' = 1 - tanh instead of 1 - tanh^2."""
    return substitute(
        src,
        rule_span(src, "tanh"),
        [(r"1 - (\w+) \* \1", r"1 - \1"), (r"1 - (\w+) ?\*\* ?2", r"1 - \1")],
        "tanh rule",
    )


def dot_gradients_swapped(src: str) -> str:
    """dot's d/dw_i = w_i instead of x_i (and d/dx_i = x_i), in the first-order fast path."""
    return substitute(
        src,
        function_span(src, "_dot_accumulate"),
        [(r"(\w+)\.grad \+= (\w+) \* (\w+)\.data", r"\1.grad += \2 * \1.data")],
        "_dot_accumulate",
    )


def grad_leaks_into_attributes(src: str) -> str:
    """grad() leaves its pass's gradients in .grad instead of restoring the saved ones."""
    return substitute(
        src,
        function_span(src, "grad"),
        [(r"^(\s*)(\w+)\.grad = (\w+)$", r"\1pass")],
        "restoring .grad in grad()",
    )


def mode_not_restored(src: str) -> str:
    """no_grad()/detect_anomaly() forget to restore the previous mode on exit."""
    return substitute(
        src,
        function_span(src, "__exit__"),
        [(r"engine\.set_mode\(\*(.+)\)$", r"\1")],
        "restoring the mode in __exit__",
    )


BUGS = [
    Bug(
        "overwrite-grad",
        "autograd/engine.py",
        "gradient overwritten, not accumulated",
        overwrite_gradient,
    ),
    Bug("swapped-rsub", "autograd/engine.py", "__rsub__ computes self - other", swap_rsub),
    Bug("relu-at-0", "autograd/rules.py", "relu'(0) = 1 instead of 0", relu_grad_one_at_zero),
    Bug(
        "no-exponent-grad",
        "autograd/rules.py",
        "pow gives its exponent no gradient",
        drop_exponent_gradient,
    ),
    Bug("recursive-sort", "autograd/engine.py", "topological sort by recursion", recursive_sort),
    Bug(
        "hash-by-value", "autograd/engine.py", "topological sort keys nodes by data", hash_by_value
    ),
    Bug(
        "swapped-rtruediv",
        "autograd/engine.py",
        "__rtruediv__ computes self / other",
        swap_rtruediv,
        False,
    ),
    Bug(
        "stale-grads",
        "autograd/engine.py",
        "intermediate grads not reset",
        stale_intermediate_gradients,
        False,
    ),
    Bug("tanh-derivative", "autograd/rules.py", "tanh' = 1 - tanh", tanh_derivative_wrong, False),
    Bug("dot-swapped", "autograd/rules.py", "dot's d/dw = w", dot_gradients_swapped, False),
    Bug(
        "grad-leaks",
        "autograd/functional.py",
        "grad() changes .grad",
        grad_leaks_into_attributes,
        False,
    ),
    Bug("mode-leaks", "autograd/functional.py", "modes not restored", mode_not_restored, False),
]


# -- running the tests in a copy -------------------------------------------------------------
@dataclass
class Outcome:
    failed: list[str]
    passed: int
    seconds: float


def run_tests(copy: Path, seed: int) -> Outcome:
    report = copy / "report.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        *sorted(str(p.relative_to(copy)) for p in copy.glob(TESTS)),
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=--strict-markers",  # the engine tests only, no doctest collection
        f"--hypothesis-seed={seed}",
        f"--junitxml={report}",
    ]
    env = {**_environment(), "PYTHONPATH": str(copy)}
    start = time.perf_counter()
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if not report.exists():  # e.g. conftest's exit because another autograd was imported
        raise RuntimeError(
            f"pytest did not run (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    failed, passed = [], 0
    for case in ET.parse(report).iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(name)
        elif case.find("skipped") is None:
            passed += 1
    report.unlink()
    return Outcome(failed, passed, seconds)


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def apply(bug: Bug, source: str) -> str:
    """The patched source; it must differ and still compile (a syntax error would make
    every test fail and look like a caught bug)."""
    patched = bug.patch(source)
    if patched == source:
        raise PatchDidNotApply(f"{bug.name}: the patch changed nothing")
    try:
        compile(patched, bug.path, "exec")
    except SyntaxError as error:
        raise PatchDidNotApply(f"{bug.name}: the patched file does not compile: {error}") from None
    return patched


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bugs", nargs="*", help="names of bugs to inject (default: all)")
    parser.add_argument("--list", action="store_true", help="list the bugs and exit")
    parser.add_argument("--show", action="store_true", help="print each patch as a diff")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    args = parser.parse_args()
    if args.list:
        for bug in BUGS:
            extra = "" if bug.classic else " (extra)"
            print(f"{bug.name:18} {bug.path:24} {bug.description}{extra}")
        return 0
    unknown = set(args.bugs) - {b.name for b in BUGS}
    if unknown:
        parser.error(f"unknown bugs: {sorted(unknown)}")
    chosen = [b for b in BUGS if not args.bugs or b.name in args.bugs]

    survivors = []
    caught: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="inject-bugs-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
        try:  # every patch must apply to the copy before anything runs
            patched = {bug.name: apply(bug, (copy / bug.path).read_text()) for bug in chosen}
        except PatchDidNotApply as error:
            print(f"patch did not apply: {error}", file=sys.stderr)
            return 3
        if args.show:
            for bug in chosen:
                original = (copy / bug.path).read_text().splitlines(keepends=True)
                diff = difflib.unified_diff(
                    original, patched[bug.name].splitlines(keepends=True), bug.path, bug.name
                )
                print("".join(diff))
        baseline = run_tests(copy, args.seed)
        print(
            f"baseline (no bug): {baseline.passed} passed, {len(baseline.failed)} failed, "
            f"{baseline.seconds:.0f} s",
            flush=True,
        )
        if baseline.failed:
            print("the unpatched tests fail, so nothing can be concluded:", *baseline.failed)
            return 2
        print(f"\n{'bug':18} caught by (failing tests)")
        for bug in chosen:
            original = (copy / bug.path).read_text()
            (copy / bug.path).write_text(patched[bug.name])
            try:
                outcome = run_tests(copy, args.seed)
            finally:
                (copy / bug.path).write_text(original)
            extra = "" if bug.classic else " (extra)"
            print(
                f"{bug.name:18} {bug.description}{extra}: "
                f"{len(outcome.failed)} of {len(outcome.failed) + outcome.passed} tests failed, "
                f"{outcome.seconds:.0f} s",
                flush=True,
            )
            caught[bug.name] = outcome.failed
            for name in outcome.failed:
                print(f"{'':18}   {name}")
            if not outcome.failed:
                print(f"{'':18}   SURVIVED: no test failed")
                survivors.append(bug.name)
    print(f"\n{'bug':18} {'failed':>6}  caught in")
    for bug in chosen:
        files = sorted(
            {name.split("::")[0].removeprefix("test_engine_") for name in caught[bug.name]}
        )
        print(f"{bug.name:18} {len(caught[bug.name]):6}  {', '.join(files) or 'SURVIVED'}")
    if survivors:
        print(f"\n{len(survivors)} bug(s) survived: {', '.join(survivors)}")
        return 1
    print(f"\nall {len(chosen)} bugs caught")
    return 0


if __name__ == "__main__":
    sys.exit(main())
