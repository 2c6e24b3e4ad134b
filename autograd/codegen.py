"""Writing traced graphs out as Python: variable names, the op table's ``Code`` filled in
with the operands (constants folded), guards, and the forward and backward lines.

:mod:`autograd.trace` records a function's graph and what its path depended on; this
module turns such a recording into source text, for one program or for the body of a
batch loop (:mod:`autograd.batch`), and compiles it. It imports the engine and its op table.
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.engine import Constant, Value
from autograd.rules import OPS, PROGRAM_HELPERS

__all__ = ["Guard", "Names", "Retrace", "TraceError", "Writer", "compiled", "looks_at"]


class TraceError(ValueError):
    """``fn`` cannot be traced (its result is not a Value, or a node has its own closure)."""


class Retrace(Exception):
    """Raised inside a program when a guard fails: the inputs take another path."""


# -- recording what the traced function depends on --------------------------------------------
@dataclass
class Guard:
    """One thing the traced path depended on: ``node <op> other`` was ``result`` (a
    comparison), or ``node``'s data was ``other`` (a ``.data`` read, op "==")."""

    node: Value
    op: str
    other: Any  # a Value, or a float
    result: bool


class Names:
    """A variable name for each node: its label or parameter name if that is a free
    identifier, else v<k>; constants are written as their value."""

    def __init__(
        self, inputs: Sequence[Value], parameter_names: Sequence[str], labels: bool = True
    ) -> None:
        self.names: dict[Value, str] = {}
        self.labels = labels
        self.taken = set(PROGRAM_HELPERS) | {"program", "Retrace", "same"}
        for i, (x, name) in enumerate(zip(inputs, parameter_names)):
            self.names[x] = self._free(x.label if labels else "", name, f"x{i}")
        self.counter = 0

    def _free(self, *wanted: str) -> str:
        """The first wanted name that is a usable identifier not taken yet."""
        for name in wanted:
            usable = name.isidentifier() and not keyword.iskeyword(name)
            if usable and not name.startswith("grad_") and name not in self.taken:
                self.taken.add(name)
                return name
        name = f"{wanted[-1]}_{len(self.taken)}"  # all taken: number the last one
        self.taken.add(name)
        return name

    def of(self, node: Value) -> str:
        if node not in self.names:
            self.counter += 1
            self.names[node] = self._free(node.label if self.labels else "", f"v{self.counter}")
        return self.names[node]

    def expr(self, node: Value) -> ast.expr:
        """The node in an expression: its variable, or a constant's value."""
        if isinstance(node, Constant):
            return _number(node.data)
        return ast.Name(self.of(node), ast.Load())


def _number(x: float) -> ast.expr:
    if math.isnan(x):
        return ast.Name("nan", ast.Load())
    if math.isinf(x):
        inf = ast.Name("inf", ast.Load())
        return inf if x > 0 else ast.UnaryOp(ast.USub(), inf)
    return ast.UnaryOp(ast.USub(), ast.Constant(-x)) if math.copysign(1, x) < 0 else ast.Constant(x)


class _Substitute(ast.NodeTransformer):
    """Put the operands' expressions in for a, b, g and ans, and fold what is constant
    (``2.0 - 1`` becomes ``1.0``, ``0.0 if 2.0 == 0 else ...`` its else), so a constant
    exponent reads as a number."""

    def __init__(self, names: dict[str, ast.expr]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.names.get(node.id, node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        right = node.right
        negative = isinstance(right, ast.UnaryOp) and isinstance(right.op, ast.USub)
        if isinstance(node.op, ast.Add) and negative:  # x + -1.0 is x - 1.0, to the last bit
            return _folded(ast.BinOp(node.left, ast.Sub(), right.operand))  # type: ignore[attr-defined]
        return _folded(node)

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        return _folded(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.And) and any(_constant(v) is False for v in node.values):
            return ast.Constant(False)
        if isinstance(node.op, ast.Or) and any(_constant(v) is True for v in node.values):
            return ast.Constant(True)
        return _folded(node)

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)
        test = _constant(node.test)
        if test is None:
            return node
        return node.body if test else node.orelse


_NO_VALUE = object()


def _constant(node: ast.expr) -> Any:
    """The value of an expression of constants only (None if it has a variable)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name | ast.Call | ast.Attribute):
            return None
    try:
        tree = ast.fix_missing_locations(ast.Expression(node))
        return eval(compile(tree, "<fold>", "eval"), {})  # constants only: nothing to call
    except Exception:
        return None


def _folded(node: ast.expr) -> ast.expr:
    value = _constant(node)
    if isinstance(value, bool):
        return ast.Constant(value)
    return _number(float(value)) if isinstance(value, int | float) else node


def _code(template: str, names: dict[str, ast.expr]) -> str:
    tree = ast.parse(template, mode="eval").body
    return ast.unparse(_Substitute(names).visit(tree))


@dataclass
class Writer:
    """The lines of one program, built from the traced graph. ``indent`` and ``fail`` (what
    a failed guard does) differ between a program and the body of a batch loop."""

    names: Names
    lines: list[str] = field(default_factory=list)
    indent: str = "    "
    fail: str = "raise Retrace"

    def line(self, text: str) -> None:
        self.lines.append(self.indent + text)

    def forward(self, node: Value) -> None:
        op = OPS.get(node.op)
        parents = node.parents
        if node._extra is not None and node._extra.closure is not None:
            raise TraceError(
                f"trace: the node {node!r} (op {node.op!r}) has its own _backward closure, "
                "which a program cannot read; register the op with autograd.defop(...)"
            )
        if op is None:
            raise TraceError(f"trace: the node {node!r} has an op {node.op!r} not in the table")
        target = self.names.of(node)
        if node.op == "dot":
            k = (len(parents) - 1) // 2
            terms = [f"{self.src(w)} * {self.src(x)}" for w, x in zip(parents[:k], parents[k:-1])]
            self.line(f"{target} = {' + '.join([self.src(parents[-1]), *terms])}")
        elif op.code is not None:
            self.line(f"{target} = {_code(op.code.forward, self.operands(parents))}")
        else:  # an op of your own (defop): call its forward function
            args = ", ".join(self.src(p) for p in parents)
            self.line(f"{target} = forward_{_ident(op.name)}({args})")

    def src(self, node: Value) -> str:
        return ast.unparse(self.names.expr(node))

    def operands(self, parents: Sequence[Value]) -> dict[str, ast.expr]:
        return {name: self.names.expr(p) for name, p in zip("ab", parents)}

    def guard(self, guard: Guard) -> None:
        left = (
            self.names.of(guard.node)
            if not isinstance(guard.node, Constant)
            else self.src(guard.node)
        )
        if guard.op == "==":  # a .data read: valid for exactly this value
            self.line(f"if not same({left}, {guard.other!r}): {self.fail}")
            return
        right = (
            self.src(guard.other)
            if isinstance(guard.other, Value)
            else ast.unparse(_number(guard.other))
        )
        test = f"{left} {guard.op} {right}"
        self.line(f"if {'not ' if guard.result else ''}({test}): {self.fail}")

    def forward_pass(self, order: list[Value], guards: list[Guard], leaves: list[Value]) -> None:
        """One line per op, each guard as soon as everything it looks at is computed."""
        pending = list(guards)
        known: set[Value] = set(leaves)
        for node in [None, *order]:  # None: before the first op, the guards on inputs alone
            if node is not None:
                if node._a is None:
                    continue
                self.forward(node)
                known.add(node)
            for g in [g for g in pending if looks_at(g) <= known]:
                self.guard(g)
                pending.remove(g)

    def backward(
        self,
        order: list[Value],
        root: Value,
        seed: str = "1.0",
        into: dict[Value, str] | None = None,
        skip: set[Value] | frozenset[Value] = frozenset(),
    ) -> set[Value]:
        """The gradient lines, in reverse topological order; returns the nodes given one.

        ``into`` maps leaves to running totals that every contribution is added to (a
        batch's parameter gradients, added as backward() adds them); ``skip`` leaves get
        no lines (a batch needs no gradient of its data)."""
        into = into or {}
        g = {root: f"grad_{self.names.of(root)}"}
        self.line(f"{g[root]} = {seed}")
        for node in reversed(order):
            if node._a is None or node not in g:
                continue
            op, parents = OPS[node.op], node.parents
            terms = self._terms(node, op, parents, g[node])
            for parent, (term, comment) in zip(parents, terms):
                if isinstance(parent, Constant) or term == "0.0" or parent in skip:
                    continue
                if parent in into:
                    self.line(f"{into[parent]} += {term}  # {comment}")
                elif parent in g:
                    self.line(f"{g[parent]} += {term}  # {comment}")
                else:
                    g[parent] = f"grad_{self.names.of(parent)}"
                    self.line(f"{g[parent]} = {term}  # {comment}")
        return set(g)

    def _terms(
        self, node: Value, op: Any, parents: Sequence[Value], grad: str
    ) -> list[tuple[str, str]]:
        """(gradient term, comment) for each parent."""
        if node.op == "dot":
            k = (len(parents) - 1) // 2
            ws, xs = parents[:k], parents[k:-1]
            return (
                [(f"{grad} * {self.src(x)}", f"d(w·x+b)/dw{i} = x{i}") for i, x in enumerate(xs)]
                + [(f"{grad} * {self.src(w)}", f"d(w·x+b)/dx{i} = w{i}") for i, w in enumerate(ws)]
                + [(grad, "d(w·x+b)/db = 1")]
            )
        names = {**self.operands(parents), "g": ast.Name(grad, ast.Load())}
        names["ans"] = ast.Name(self.names.of(node), ast.Load())
        if op.code is None:  # an op of your own: its rule, called
            args = ", ".join([grad, self.names.of(node), *[self.src(p) for p in parents]])
            call = f"rule_{_ident(op.name)}({args})"
            return [(f"{call}[{i}]", f"{op.name}'s rule") for i in range(len(parents))]
        shown = _shown(op.code.forward)
        return [
            (_code(template, names), f"d{shown}/d{'ab'[i]} = {op.code.local[i]}")
            for i, template in enumerate(op.code.grads)
        ]


def _shown(forward: str) -> str:
    """The op as a comment writes it: "(a * b)", " tanh(a)", "(a ** b)"."""
    text = forward.replace("math.", "").replace("real_power(a, b)", "a ** b")
    return f" {text}" if text.split("(")[0].isidentifier() else f"({text})"


def _ident(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _same(x: float, value: float) -> bool:
    return x == value or (x != x and value != value)  # NaN is the same as NaN here


# -- the program ------------------------------------------------------------------------------
def compiled(source: str, name: str, of: str) -> Any:
    namespace: dict[str, Any] = {**PROGRAM_HELPERS, "Retrace": Retrace, "same": _same}
    for op_name, op in OPS.items():
        if op.code is None and op_name != "dot":
            namespace[f"forward_{_ident(op_name)}"] = op.forward
            namespace[f"rule_{_ident(op_name)}"] = op.backward
    exec(compile(source, f"<{name} of {of}>", "exec"), namespace)
    return namespace[name]


def looks_at(guard: Guard) -> set[Value]:
    """The nodes (not constants) a guard needs computed."""
    nodes = [guard.node] + ([guard.other] if isinstance(guard.other, Value) else [])
    return {n for n in nodes if not isinstance(n, Constant)}
