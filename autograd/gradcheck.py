"""Compare the engine's gradients with central finite differences (``gradcheck``,
``gradgradcheck``), as PyTorch's ``torch.autograd.gradcheck`` does.

This module imports the engine's public functions (``grad``, ``no_grad``) and its checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import checks
from autograd.engine import Value
from autograd.functional import grad
from autograd.modes import no_grad

__all__ = ["GradcheckError", "GradcheckReport", "gradcheck", "gradgradcheck"]


@dataclass(frozen=True)
class Row:
    """One derivative: what backpropagation says and what finite differences say."""

    name: str
    at: float
    analytic: float
    numeric: float
    ok: bool

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numeric)


class GradcheckReport:
    """The result of a check: truthy when every derivative matched; prints as a table."""

    def __init__(self, title: str, rows: list[Row]) -> None:
        self.title = title
        self.rows = rows

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    def __str__(self) -> str:
        header = ("derivative", "at", "analytic", "numeric", "abs error", "")
        lines = [
            (
                r.name,
                f"{r.at:.6g}",
                f"{r.analytic:.10g}",
                f"{r.numeric:.10g}",
                f"{r.error:.2e}",
                "ok" if r.ok else "MISMATCH",
            )
            for r in self.rows
        ]
        widths = [max(len(str(c)) for c in column) for column in zip(header, *lines)]
        table = [
            "  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip()
            for line in [header, *lines]
        ]
        return "\n".join([self.title, *table])

    __repr__ = __str__


class GradcheckError(RuntimeError):
    """Raised by gradcheck when an analytic gradient disagrees with finite differences."""

    def __init__(self, report: GradcheckReport) -> None:
        self.report = report
        names = ", ".join(row.name for row in report.failures)
        super().__init__(f"gradients do not match finite differences for {names}\n{report}")


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _central_difference(
    f: Callable[[list[float]], float], x: list[float], i: int, eps: float
) -> float:
    """(f(x + eps e_i) - f(x - eps e_i)) / 2 eps: error O(eps^2) for smooth f."""
    up, down = list(x), list(x)
    up[i] += eps
    down[i] -= eps
    return (f(up) - f(down)) / (2 * eps)


def _names(inputs: Sequence[Value | float]) -> list[str]:
    return [v.label if isinstance(v, Value) and v.label else f"x{i}" for i, v in enumerate(inputs)]


def _point(
    inputs: Sequence[Value | float], eps: float, atol: float, rtol: float, where: str
) -> list[float]:
    """The inputs as floats, and the tolerances checked (eps = 0 would divide by zero)."""
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        inputs = [inputs] if isinstance(inputs, (Value, int, float)) else list(inputs)
    x = [v.data if isinstance(v, Value) else checks.to_float(v, f"{where}: inputs") for v in inputs]
    if not (isinstance(eps, (int, float)) and not isinstance(eps, bool) and eps > 0):
        raise ValueError(f"{where}: eps must be a number > 0, got {checks.shown(eps)}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if not (isinstance(tol, (int, float)) and not isinstance(tol, bool) and tol >= 0):
            raise ValueError(f"{where}: {name} must be a number >= 0, got {checks.shown(tol)}")
    return x


def _output(fn: Callable[..., Value], point: Sequence[Any], where: str) -> Value:
    out = fn(*point)
    if not isinstance(out, Value):
        raise TypeError(
            f"{where}: fn must return a Value, got {type(out).__name__} ({checks.shown(out)})"
        )
    return out


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check d fn / d input for every input against central finite differences.

    ``fn`` takes one Value per input and returns a Value. Returns a report (truthy,
    printable) or raises :class:`GradcheckError` listing each mismatching input; with
    ``raise_exception=False`` (PyTorch's name) a failing report is returned (falsy) instead.

    >>> report = gradcheck(lambda a, b: (a * b).tanh(), [0.5, -1.5])
    >>> bool(report)
    True
    """
    x = _point(inputs, eps, atol, rtol, "gradcheck")
    names = _names(inputs)

    def f(point: list[float]) -> float:
        with no_grad():
            return _output(fn, [Value(p) for p in point], "gradcheck").data

    leaves = [Value(p) for p in x]
    analytic = grad(_output(fn, leaves, "gradcheck"), leaves, materialize_grads=True)
    rows = []
    for i, name in enumerate(names):
        numeric = _central_difference(f, x, i, eps)
        rows.append(
            Row(f"d/d{name}", x[i], analytic[i], numeric, _close(analytic[i], numeric, atol, rtol))
        )
    report = GradcheckReport(f"gradcheck: {len(rows)} first derivatives, eps={eps:g}", rows)
    if not report and raise_exception:
        raise GradcheckError(report)
    return report


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check every second derivative d2 fn / d xi d xj against finite differences.

    The analytic Hessian comes from differentiating the gradient graph
    (``grad(create_graph=True)``); the numeric one from central differences of the
    analytic first derivatives.

    >>> bool(gradgradcheck(lambda a, b: a.sin() * b**3, [0.3, 1.2]))
    True
    """
    x = _point(inputs, eps, atol, rtol, "gradgradcheck")
    names = _names(inputs)

    def first_derivatives(point: list[float]) -> list[float]:
        leaves = [Value(p) for p in point]
        return list(grad(_output(fn, leaves, "gradgradcheck"), leaves, materialize_grads=True))

    leaves = [Value(p) for p in x]
    out = _output(fn, leaves, "gradgradcheck")
    gradients = grad(out, leaves, create_graph=True, materialize_grads=True)
    rows = []
    for i, gi in enumerate(gradients):
        hessian_row = grad(gi, leaves, materialize_grads=True)

        def gradient_i(point: list[float], i: int = i) -> float:
            return first_derivatives(point)[i]

        for j, name_j in enumerate(names):
            numeric = _central_difference(gradient_i, x, j, eps)
            rows.append(
                Row(
                    f"d2/d{names[i]}d{name_j}",
                    x[j],
                    hessian_row[j],
                    numeric,
                    _close(hessian_row[j], numeric, atol, rtol),
                )
            )
    report = GradcheckReport(f"gradgradcheck: {len(rows)} second derivatives, eps={eps:g}", rows)
    if not report and raise_exception:
        raise GradcheckError(report)
    return report
