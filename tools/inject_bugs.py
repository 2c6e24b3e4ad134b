"""Prove the engine tests can fail: inject classic autodiff bugs, one at a time.

Each bug is applied to a temporary *copy* of the repository (the real files are never
touched), the engine tests and the traced-program tests run there, and the tests that
failed are collected. The script prints a table bug -> catching tests and exits non-zero
if a bug survived (no test failed), was not caught by the test files it must be caught by
(a wrong rule must fail the program tests too), or a patch did not apply.

    .venv/bin/python tools/inject_bugs.py             # every bug
    .venv/bin/python tools/inject_bugs.py --list      # the bugs, without running anything
    .venv/bin/python tools/inject_bugs.py relu-at-0   # some of them
    .venv/bin/python tools/inject_bugs.py --show      # the patches as diffs, without running
    .venv/bin/python tools/inject_bugs.py --seed 7    # other Hypothesis examples than CI's

Where the engine does one thing twice on purpose (the fast first-order pass in ``fast.py``
and the reference pass, ``chain_rule``, in ``engine.py`` and ``functional.py``; a rule
in the op table and its ``Code`` for traced programs), a bug is injected into each copy,
so that each one is shown to be tested.

A patch is a small regular expression applied inside one named function or class
(``Value.__rsub__``) or one entry of the op table (``OPS["tanh"].rule``, its rule;
``OPS["tanh"].code``, its ``Code``), found with :mod:`ast`, so it survives changes around
it; when a pattern no longer matches, the script stops with "patch did not apply" instead
of testing unpatched code.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ("tests/test_engine_*.py", "tests/test_trace.py")
ENGINE = "test_engine_*"  # what caught_by names: test files, as fnmatch patterns of stems
PROGRAMS = "test_trace"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", ".hypothesis", "__pycache__", ".*_cache", "*.egg-info", "notebooks"
)

Span = tuple[int, int]


class PatchDidNotApply(RuntimeError):
    pass


# -- finding code --------------------------------------------------------------------------
def _offset(source: str, lineno: int, col: int) -> int:
    """The string offset of ast's (line, column): ast counts columns in UTF-8 bytes."""
    start = 0
    for _ in range(lineno - 1):
        start = source.index("\n", start) + 1
    line = source[start:].split("\n", 1)[0]
    return start + len(line.encode()[:col].decode())


def _span(source: str, node: ast.AST) -> Span:
    start = _offset(source, node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end = _offset(source, node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
    return start, end


def definition(source: str, dotted: str) -> ast.FunctionDef | ast.ClassDef:
    """The function or class ``name`` (``Class.method`` for a method) of a module."""
    scope: ast.AST = ast.parse(source)
    found: ast.FunctionDef | ast.ClassDef | None = None
    for name in dotted.split("."):
        found = next(
            (
                node
                for node in getattr(scope, "body", [])
                if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name
            ),
            None,
        )
        if found is None:
            raise PatchDidNotApply(f"no definition {dotted!r} (looking for {name!r})")
        scope = found
    assert found is not None
    return found


def _assigned(module: ast.Module, expr: ast.expr) -> ast.expr:
    """``expr`` itself, or for a bare name the value assigned to it at module level."""
    if isinstance(expr, ast.Name):
        for node in module.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
            ):
                return node.value
    return expr


def table_entry(source: str, op: str, part: str) -> ast.expr:
    """Part of the op table's ``Op(name, arity, forward, rule, ..., code=Code(...))`` entry:
    ``rule`` (its fourth argument) or ``code`` (its ``code=``). A part given by name
    (``code=_POW_CODE``) is that module-level assignment's value."""
    module = ast.parse(source)
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Op"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == op
        ):
            found: list[ast.expr] = [k.value for k in node.keywords if k.arg == "code"]
            if part == "rule":
                found = node.args[3:4]
            if found:
                return _assigned(module, found[0])
            raise PatchDidNotApply(f"the op table's entry {op!r} has no {part}")
    raise PatchDidNotApply(f"no entry {op!r} in the op table")


def locate(source: str, where: str) -> Span:
    """``where`` in the source: 'OPS["tanh"].rule', 'OPS["tanh"].code', or a definition."""
    entry = re.fullmatch(r'OPS\["(.+)"\]\.(rule|code)', where)
    if entry:
        return _span(source, table_entry(source, entry.group(1), entry.group(2)))
    return _span(source, definition(source, where))


# -- patches -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Regex:
    """Replace each pattern inside ``where``; every pattern must match at least once."""

    where: str
    substitutions: tuple[tuple[str, str], ...]

    def __call__(self, source: str) -> str:
        for pattern, replacement in self.substitutions:
            start, end = locate(source, self.where)  # again: an earlier one moved the end
            patched, count = re.subn(pattern, replacement, source[start:end], flags=re.M)
            if not count:
                raise PatchDidNotApply(f"{self.where}: {pattern!r} did not match")
            source = source[:start] + patched + source[end:]
        return source


@dataclass(frozen=True)
class NewBody:
    """Replace the body of the function ``where`` (after its docstring) with ``body``."""

    where: str
    body: str

    def __call__(self, source: str) -> str:
        function = definition(source, self.where)
        statements = function.body
        if isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
            statements = statements[1:]  # keep the docstring
        start = _offset(source, statements[0].lineno, 0)
        end = _span(source, statements[-1])[1]
        indent = " " * statements[0].col_offset
        body = "".join(
            indent + line if line.strip() else line for line in self.body.splitlines(True)
        )
        return source[:start] + body.rstrip("\n") + source[end:]


def regex(where: str, *substitutions: tuple[str, str]) -> Regex:
    return Regex(where, substitutions)


# micrograd's build_topo, keeping each walk's contract (fast._walk: only the nodes with
# parents, their grads reset on the way)
RECURSIVE_TOPOLOGICAL_ORDER = """\
checks.value(root, "topological_order", "root")
order: list[Value] = []
seen: set[Value] = set()

def build(n: Value) -> None:
    if n not in seen:
        seen.add(n)
        for p in n.parents:
            build(p)
        order.append(n)

build(root)
return order
"""

RECURSIVE_WALK = """\
order: list[Value] = []
visited: set[Value] = set()

def build(node: Value) -> None:
    if node._a is not None and node not in visited:
        visited.add(node)
        node.grad = 0.0
        for parent in node.parents:
            build(parent)
        order.append(node)

build(root)
return order
"""

# a visited set keyed by data: distinct nodes with equal data merge
BY_VALUE = (
    (r"\b(seen|visited)\.add\((\w+)\)", r"\1.add(\2.data)"),
    (r"\b(\w+) (not )?in (seen|visited)\b", r"\1.data \2in \3"),
)
# gradient overwritten instead of added to
OVERWRITE = (r"\b(\w+\.grad) \+= ", r"\1 = ")


@dataclass(frozen=True)
class Bug:
    name: str
    path: str
    description: str
    patch: Regex | NewBody
    caught_by: tuple[str, ...] = (ENGINE,)  # test files (stems, fnmatch) that must fail


BUGS = [
    # -- adding up the contributions of several uses, in each place it is done
    Bug(
        "overwrite-grad",
        "autograd/fast.py",
        "the fast pass overwrites a parent's .grad instead of adding to it",
        regex("_backpropagate", OVERWRITE),
    ),
    Bug(
        "overwrite-grad-dot",
        "autograd/fast.py",
        "the fast pass's dot overwrites .grad instead of adding to it",
        regex("_dot_accumulate", OVERWRITE),
    ),
    Bug(
        "overwrite-grad-chain-rule",
        "autograd/engine.py",
        "chain_rule overwrites a parent's gradient in the dict instead of adding",
        regex("chain_rule", (r"(grads\[(\w+)\]) = (\w+) if \2 not in grads else .*$", r"\1 = \3")),
    ),
    Bug(
        "overwrite-grad-commit",
        "autograd/functional.py",
        "the reference backward() sets a leaf's .grad instead of adding this pass's",
        regex("backward", (r"(node\.grad) = (grads\[node\]) if .*$", r"\1 = \2")),
    ),
    Bug(
        "overwrite-grad-roots",
        "autograd/functional.py",
        "gradients() keeps one seed of an output given twice",
        regex("gradients", (r"(grads\[root\]) = seed if .*$", r"\1 = seed")),
    ),
    Bug(
        "overwrite-grad-lecture",
        "autograd/extras.py",
        "micrograd's node._backward() overwrites its parents' .grad",
        regex("_apply_rule_once", OVERWRITE),
    ),
    Bug(
        "overwrite-grad-program",
        "autograd/codegen.py",
        "a traced program writes = where a gradient collects several uses (+=)",
        regex("Writer.backward", (r"\{g\[parent\]\} \+= ", "{g[parent]} = ")),
        (PROGRAMS,),
    ),
    # -- derivative rules: the table's rule (both passes) and its Code (the programs)
    Bug(
        "relu-at-0",
        "autograd/rules.py",
        "relu'(0) = 1 instead of 0 (the rule's step helper)",
        regex("_step", (r"number\(x\) > 0", "number(x) >= 0")),
        (ENGINE, PROGRAMS),
    ),
    Bug(
        "no-exponent-grad",
        "autograd/rules.py",
        "pow gives its exponent no gradient (the rule)",
        regex("_pow", (r"return ga, gb$", "return ga, 0.0")),
        (ENGINE, PROGRAMS),
    ),
    Bug(
        "tanh-derivative",
        "autograd/rules.py",
        "tanh' = 1 - tanh (the rule)",
        regex('OPS["tanh"].rule', (r"1 - ans \* ans", "1 - ans")),
        (ENGINE, PROGRAMS),
    ),
    Bug(
        "dot-swapped-rule",
        "autograd/rules.py",
        "dot's d/dw = w (the rule, used by the reference pass)",
        regex(
            "_dot",
            (
                r"for x in (args\[.*?\])\], \*\[g \* w for w in (args\[.*?\])",
                r"for x in \2], *[g * w for w in \1",
            ),
        ),
    ),
    Bug(
        "tanh-code",
        "autograd/rules.py",
        "tanh' = 1 - tanh (the op's Code, in programs)",
        regex('OPS["tanh"].code', (r"1 - ans \* ans", "1 - ans")),
        (PROGRAMS,),
    ),
    Bug(
        "relu-code-at-0",
        "autograd/rules.py",
        "relu'(0) = 1 (the op's Code, in programs)",
        regex('OPS["relu"].code', (r"1\.0 if a > 0", "1.0 if a >= 0")),
        (PROGRAMS,),
    ),
    Bug(
        "mul-code-swapped",
        "autograd/rules.py",
        "d(a b)/da = a (the op's Code, in programs)",
        regex('OPS["*"].code', (r'\("g \* b", "g \* a"\)', '("g * a", "g * b")')),
        (PROGRAMS,),
    ),
    Bug(
        "pow-code-no-exponent-grad",
        "autograd/rules.py",
        "pow gives its exponent no gradient (the op's Code, in programs)",
        regex('OPS["pow"].code', (r'"g \* ans \* log\(a\)[^"]*"', '"0.0"')),
        (PROGRAMS,),
    ),
    Bug(
        "dot-swapped",
        "autograd/fast.py",
        "dot's d/dw = w (the fast pass)",
        regex(
            "_dot_accumulate", (r"(\w+)\.grad \+= (\w+) \* (\w+)\.data", r"\1.grad += \2 * \1.data")
        ),
    ),
    Bug(
        "dot-swapped-program",
        "autograd/codegen.py",
        "dot's d/dw = w (written out by the tracer)",
        regex("Writer._terms", (r"^(\s*)ws, xs = ", r"\1xs, ws = ")),
        (PROGRAMS,),
    ),
    Bug(
        "fold-wrong-branch",
        "autograd/codegen.py",
        "constant folding picks the wrong side of `x if <constant> else y`",
        regex(
            "_Substitute.visit_IfExp",
            (r"node\.body if test else node\.orelse", "node.orelse if test else node.body"),
        ),
        (PROGRAMS,),
    ),
    # -- Value's reflected arithmetic
    Bug(
        "swapped-rsub",
        "autograd/engine.py",
        "__rsub__ computes self - other",
        regex("Value.__rsub__", (r"return .+$", "return self - other")),
    ),
    Bug(
        "swapped-rtruediv",
        "autograd/engine.py",
        "__rtruediv__ computes self / other",
        regex("Value.__rtruediv__", (r"return .+$", "return self / other")),
    ),
    # -- the graph walks: topological_order (reference pass) and fast._walk
    Bug(
        "recursive-sort",
        "autograd/engine.py",
        "topological_order by recursion (micrograd's build_topo)",
        NewBody("topological_order", RECURSIVE_TOPOLOGICAL_ORDER),
    ),
    Bug(
        "recursive-walk",
        "autograd/fast.py",
        "the fast pass's walk by recursion",
        NewBody("_walk", RECURSIVE_WALK),
    ),
    Bug(
        "hash-by-value",
        "autograd/engine.py",
        "topological_order keys nodes by data",
        regex("topological_order", *BY_VALUE),
    ),
    Bug(
        "hash-by-value-fast",
        "autograd/fast.py",
        "the fast pass's walk keys nodes by data",
        regex("_walk", *BY_VALUE),
    ),
    Bug(
        "hash-by-value-roots",
        "autograd/functional.py",
        "the order of several outputs keys nodes by data",
        regex("topological_order_of", *BY_VALUE),
    ),
    # -- what .grad holds between passes
    Bug(
        "stale-grads",
        "autograd/fast.py",
        "the fast pass keeps intermediate grads of the previous pass (micrograd)",
        regex("_walk", (r"^(\s*)node\.grad = 0\.0$", r"\1pass")),
    ),
    Bug(
        "stale-grads-reference",
        "autograd/functional.py",
        "the reference backward() adds to intermediate grads of the previous pass",
        regex("backward", (r"^(\s*)node\.grad = grads\.get\(", r"\1node.grad += grads.get(")),
    ),
    Bug(
        "grad-leaks",
        "autograd/engine.py",
        "chain_rule (so grad()) writes each gradient into .grad",
        regex(
            "chain_rule",
            (r"^(\s*)grads\[parent\] = gp if", r"\1grads[parent] = parent.grad = gp if"),
        ),
    ),
    Bug(
        "grad-leaks-intermediate",
        "autograd/engine.py",
        "chain_rule (so grad()) writes intermediate gradients into .grad",
        regex("chain_rule", (r"^(\s*)yield n, passed$", r"\1n.grad = grads[n]\n\1yield n, passed")),
    ),
    # -- grad modes
    Bug(
        "mode-leaks",
        "autograd/modes.py",
        "leaving no_grad() and friends does not restore the mode",
        regex("_Mode.__exit__", (r"_set\(\*(_modes\.saved\.pop\(\))\)", r"\1")),
    ),
    Bug(
        "mode-process-wide",
        "autograd/modes.py",
        "grad modes shared by all threads, not per thread",
        regex("_ThreadModes", (r"^class _ThreadModes\(threading\.local\):", "class _ThreadModes:")),
        ("test_engine_threads",),
    ),
]


# -- running the tests in a copy -------------------------------------------------------------
@dataclass
class Outcome:
    failed: list[str]  # "test_file::test_name"
    passed: int
    seconds: float

    def files(self) -> list[str]:
        return sorted({name.split("::")[0] for name in self.failed})


def run_tests(copy: Path, seed: int | None) -> Outcome:
    report = copy / "report.xml"
    files = sorted({str(p.relative_to(copy)) for pattern in TESTS for p in copy.glob(pattern)})
    command = [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=--strict-markers",  # these tests only, no doctest or notebook collection
        "-p",
        "inject_bugs",  # this module, as a plugin: see pytest_configure
        f"--junitxml={report}",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(copy), str(copy / "tools")])
    if seed is None:  # the examples `make test` runs
        env["HYPOTHESIS_PROFILE"] = "ci"
    else:  # fresh examples from the seed, as many as CI's (see tests/conftest.py)
        env.update(HYPOTHESIS_PROFILE="fuzz", FUZZ_FACTOR="1")
        command.append(f"--hypothesis-seed={seed}")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    shutil.rmtree(copy / ".hypothesis", ignore_errors=True)  # no failure replayed for the next bug
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


def pytest_configure(config: object) -> None:
    """In the test runs (as a pytest plugin): the Hypothesis profile the tests chose
    (tests/conftest.py), without shrinking. A failing example is not made minimal: whether
    a test fails is all this script asks, and shrinking took minutes per bug."""
    from hypothesis import Phase, settings

    profile, current = settings.get_current_profile_name(), settings()
    phases = [p for p in current.phases if p is not Phase.shrink]
    settings.register_profile(f"{profile}-no-shrink", current, phases=phases)
    settings.load_profile(f"{profile}-no-shrink")


def apply(bug: Bug, source: str) -> str:
    """The patched source; it must differ and still compile (a syntax error would make
    every test fail and look like a caught bug)."""
    try:
        patched = bug.patch(source)
    except PatchDidNotApply as error:
        raise PatchDidNotApply(f"{bug.name} ({bug.path}): {error}") from None
    if patched == source:
        raise PatchDidNotApply(f"{bug.name}: the patch changed nothing")
    try:
        compile(patched, bug.path, "exec")
    except SyntaxError as error:
        raise PatchDidNotApply(f"{bug.name}: the patched file does not compile: {error}") from None
    return patched


def missed(bug: Bug, outcome: Outcome) -> list[str]:
    """The test files (patterns) of ``bug.caught_by`` in which no test failed."""
    return [p for p in bug.caught_by if not fnmatch.filter(outcome.files(), p)]


def shown(files: list[str]) -> str:
    return ", ".join(f.removeprefix("test_") for f in files)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bugs", nargs="*", help="names of bugs to inject (default: all)")
    parser.add_argument("--list", action="store_true", help="list the bugs and exit")
    parser.add_argument("--show", action="store_true", help="print each patch as a diff and exit")
    parser.add_argument(
        "--seed", type=int, help="Hypothesis seed: other examples than CI's (default: CI's)"
    )
    args = parser.parse_args()
    if args.list:
        for bug in BUGS:
            print(f"{bug.name:26} {bug.path:22} {bug.patch.where:30} {bug.description}")
        return 0
    unknown = set(args.bugs) - {b.name for b in BUGS}
    if unknown:
        parser.error(f"unknown bugs: {sorted(unknown)}")
    chosen = [b for b in BUGS if not args.bugs or b.name in args.bugs]

    outcomes: dict[str, Outcome] = {}
    started = time.perf_counter()
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
                lines = (copy / bug.path).read_text().splitlines(keepends=True)
                diff = difflib.unified_diff(
                    lines, patched[bug.name].splitlines(keepends=True), bug.path, bug.name
                )
                print("".join(diff))
            return 0
        baseline = run_tests(copy, args.seed)
        print(
            f"baseline (no bug): {baseline.passed} passed, {len(baseline.failed)} failed, "
            f"{baseline.seconds:.0f} s",
            flush=True,
        )
        if baseline.failed:
            print("the unpatched tests fail, so nothing can be concluded:", *baseline.failed)
            return 2
        print(f"\n{'bug':26} caught by (failing tests)")
        for bug in chosen:
            original = (copy / bug.path).read_text()
            (copy / bug.path).write_text(patched[bug.name])
            try:
                outcome = outcomes[bug.name] = run_tests(copy, args.seed)
            finally:
                (copy / bug.path).write_text(original)
            print(
                f"{bug.name:26} {bug.description}: {len(outcome.failed)} of "
                f"{len(outcome.failed) + outcome.passed} tests failed, {outcome.seconds:.0f} s",
                flush=True,
            )
            for name in outcome.failed:
                print(f"{'':26}   {name}")
            if missed(bug, outcome):
                print(f"{'':26}   NOT CAUGHT in {shown(missed(bug, outcome))}")
    print(f"\n{'bug':26} {'failed':>6}  caught in")
    for bug in chosen:
        outcome = outcomes[bug.name]
        gaps = missed(bug, outcome)
        gap = f"  (NOT CAUGHT in {shown(gaps)})" if outcome.failed and gaps else ""
        print(f"{bug.name:26} {len(outcome.failed):6}  {shown(outcome.files()) or 'SURVIVED'}{gap}")
    failures = [b.name for b in chosen if missed(b, outcomes[b.name])]
    minutes = (time.perf_counter() - started) / 60
    if failures:
        print(f"\n{len(failures)} bug(s) survived some of their tests: {', '.join(failures)}")
        return 1
    print(f"\nall {len(chosen)} bugs caught ({minutes:.0f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
