"""Random expression graphs, evaluated three ways, and the two references gradients face.

A :class:`Program` is a small DAG in single-assignment form: nodes ``v0 .. v{n-1}`` are
the inputs, each :class:`Step` applies one form of :mod:`domains` to earlier nodes or raw
numbers, and the last node is the output. Steps may reuse any earlier node, so operands
repeat (``v1 * v1``) and intermediate nodes feed several later ones (diamonds).

The same program runs

* on Values (``Program.value``): the engine under test;
* on floats (``Program.real``): finite differences, with every op's domain guard;
* on mpmath numbers (``Program.exact``): the oracle, ``mpmath.diff``.

Finite differences (:func:`check_against_differences`) use the central quotient with
step h = cbrt(machine eps) * max(1, |x|), at h and h/2; a partial whose two estimates
disagree is skipped and counted in ``TALLY``, and a point where a stencil crosses a kink
(or leaves a domain) is rejected.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
from domains import DOMAINS, EITHER, FORMS, LARGEST, NUMBER, Form
from hypothesis import event, reject
from hypothesis import strategies as st

from autograd import Value, grad

# what the property tests did, for the summary test and --hypothesis-show-statistics
TALLY: Counter[str] = Counter()


class OutOfDomain(Exception):
    """An operand left its op's domain, or a result grew too large: reject the point."""


@dataclass(frozen=True)
class Ref:
    """An operand that is an earlier node of the program."""

    index: int

    def __repr__(self) -> str:
        return f"v{self.index}"


Operand = Ref | int | float


@dataclass(frozen=True)
class Step:
    form: Form
    operands: tuple[Operand, ...]

    def __repr__(self) -> str:
        return self.form.template.format(*map(repr, self.operands))


@dataclass(frozen=True)
class Program:
    """Inputs ``point`` and the steps; prints as the code it stands for."""

    point: tuple[float, ...]
    steps: tuple[Step, ...]

    def __repr__(self) -> str:
        lines = [f"v{i} = Value({x!r})" for i, x in enumerate(self.point)]
        n = len(self.point)
        lines += [f"v{n + k} = {step!r}" for k, step in enumerate(self.steps)]
        return "\n" + "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis prints it
        printer.text(repr(self))

    def _run(self, inputs: Sequence[Any], how: str, pieces: list[int] | None = None) -> Any:
        """Evaluate with the form's ``how`` function; given ``pieces`` (the float run),
        also check each op's domain, note its piece and bound its result."""
        nodes = list(inputs)
        for step in self.steps:
            args = [nodes[o.index] if isinstance(o, Ref) else o for o in step.operands]
            if pieces is not None:  # floats: check the domain, note the piece
                if not step.form.guard(*args):
                    raise OutOfDomain(f"{step!r} at {args}")
                pieces.append(step.form.piece(*args))
            nodes.append(getattr(step.form, how)(*args))
            if pieces is not None and not abs(nodes[-1]) <= LARGEST:  # also catches NaN
                raise OutOfDomain(f"{step!r} = {nodes[-1]}")
        return nodes[-1]

    def value(self, leaves: Sequence[Value]) -> Value:
        out = self._run(leaves, "value")
        assert isinstance(out, Value), f"the output is {type(out).__name__}, not a Value"
        return out

    def real(self, point: Sequence[float]) -> tuple[float, tuple[int, ...]]:
        """The output in floats, and the piece of every kinked op on the way."""
        pieces: list[int] = []
        try:
            out = float(self._run(point, "real", pieces))
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise OutOfDomain(str(error)) from None
        return out, tuple(pieces)

    def exact(self, *xs: Any) -> Any:
        return self._run(xs, "exact")


# -- generating programs -------------------------------------------------------------------
INPUTS = st.floats(-3, 3)
# raw numbers: Python ints and floats, on either side of an operator
NUMBERS = st.one_of(st.integers(-3, 3), st.floats(-3, 3))
ADD = DOMAINS["+"].forms[0]


def _operands(draw: Any, form: Form, pick: Callable[[int], int]) -> tuple[Operand, ...]:
    """Draw the operands of ``form``: raw numbers where allowed, at least one node.

    ``pick(k)`` chooses the k-th node operand (k = 0, 1, ...) among the earlier nodes.
    """
    raw = [
        kind == NUMBER or (kind == EITHER and draw(st.integers(0, 3)) == 0)
        for kind in form.operands
    ]
    if all(raw):
        raw[next(i for i, kind in enumerate(form.operands) if kind != NUMBER)] = False
    operands: list[Operand] = []
    for is_raw in raw:
        k = sum(isinstance(o, Ref) for o in operands)
        operands.append(draw(NUMBERS) if is_raw else Ref(pick(k)))
    return tuple(operands)


@st.composite
def programs(
    draw: Any,
    forms: Sequence[Form] = FORMS,
    max_inputs: int = 3,
    min_steps: int = 1,
    max_steps: int = 8,
) -> Program:
    """A random DAG over ``forms``; shrinks toward short chains of recent nodes.

    Nodes no later step uses are added into the output, so every step counts.
    """
    n = draw(st.integers(1, max_inputs))
    point = tuple(draw(st.lists(INPUTS, min_size=n, max_size=n)))
    steps: list[Step] = []
    for _ in range(draw(st.integers(min_steps, max_steps))):
        nodes = n + len(steps)

        def recent(k: int, nodes: int = nodes) -> int:  # any earlier node; shrinks to the newest
            return nodes - 1 - draw(st.integers(0, nodes - 1))

        form = draw(st.sampled_from(forms))
        steps.append(Step(form, _operands(draw, form, recent)))
    used = {o.index for step in steps for o in step.operands if isinstance(o, Ref)}
    unused = [n + k for k in range(len(steps) - 1) if n + k not in used]
    for index in unused:
        steps.append(Step(ADD, (Ref(n + len(steps) - 1), Ref(index))))
    return Program(point, tuple(steps))


@st.composite
def chains(draw: Any, forms: Sequence[Form], min_depth: int, max_depth: int) -> Program:
    """A deep chain: a short block of steps, each taking the previous node, repeated.

    A step's first node operand is the previous node; others are inputs (or raw numbers).
    """
    n = draw(st.integers(1, 2))
    point = tuple(draw(st.lists(INPUTS, min_size=n, max_size=n)))
    block = draw(st.lists(st.sampled_from(forms), min_size=1, max_size=4))
    repeats = draw(st.integers(max(1, min_depth // len(block)), max_depth // len(block)))
    steps: list[Step] = []
    for form in block * repeats:
        previous = n + len(steps) - 1

        def previous_or_input(k: int, previous: int = previous) -> int:
            return previous if k == 0 else draw(st.integers(0, n - 1))

        steps.append(Step(form, _operands(draw, form, previous_or_input)))
    return Program(point, tuple(steps))


# -- finite differences ---------------------------------------------------------------------
EPS = sys.float_info.epsilon


def step_size(x: float) -> float:
    """cbrt(eps) * max(1, |x|): balances truncation error (h^2) against rounding (eps / h)."""
    return EPS ** (1 / 3) * max(1.0, abs(x))


def central_difference(
    f: Callable[[list[float]], float], point: Sequence[float], i: int, h: float
) -> float:
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (up[i] - down[i])  # the step actually taken, after rounding


def check_against_differences(
    f: Callable[[list[float]], float],
    point: Sequence[float],
    analytic: Sequence[float],
    what: str,
) -> None:
    """Each analytic partial must match central differences of f (which may reject)."""
    for i, g in enumerate(analytic):
        h = step_size(point[i])
        coarse = central_difference(f, point, i, h)
        fine = central_difference(f, point, i, h / 2)
        spread = abs(coarse - fine)  # roughly 4x the error of `fine` when f is smooth
        scale = max(1.0, abs(fine))
        if spread > 1e-4 * scale:
            TALLY["finite-difference partials skipped (h and h/2 disagree)"] += 1
            event("finite-difference partial skipped: h and h/2 disagree")
            continue
        TALLY["finite-difference partials checked"] += 1
        assert abs(g - fine) <= 1e-6 * scale + spread, (
            f"{what} {i}: engine {g!r}, finite differences {fine!r} (h: {coarse!r})"
        )


def guarded(program: Program) -> Callable[[list[float]], float]:
    """program.real at a stencil point, rejecting points off the centre's smooth pieces."""
    centre = guarded_real(program, program.point)[1]

    def f(point: list[float]) -> float:
        out, pieces = guarded_real(program, point)
        if pieces != centre:
            reject()  # the stencil crosses a kink: the function is not smooth there
        return out

    return f


def guarded_real(program: Program, point: Sequence[float]) -> tuple[float, tuple[int, ...]]:
    try:
        return program.real(point)
    except OutOfDomain:
        reject()


# -- the oracle --------------------------------------------------------------------------------
def close_to_oracle(engine: float, oracle: float) -> bool:
    return abs(engine - oracle) <= 1e-9 + 1e-7 * abs(oracle)


def exact_derivative(program: Program, orders: Sequence[int]) -> float:
    """d^k program / d x^orders at its point, by mpmath.diff on mpmath arithmetic (30 digits)."""
    with mpmath.workdps(30):
        xs = [mpmath.mpf(x) for x in program.point]
        return float(mpmath.diff(program.exact, xs, tuple(orders)))


def unit(n: int, *indices: int) -> list[int]:
    """The derivative orders for d/dx_i (one index) or d2/dx_i dx_j (two)."""
    orders = [0] * n
    for i in indices:
        orders[i] += 1
    return orders


def engine_gradient(program: Program, point: Sequence[float]) -> list[float]:
    leaves = [Value(x) for x in point]
    return list(grad(program.value(leaves), leaves, materialize_grads=True))
