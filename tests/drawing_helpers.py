"""Shared by the drawing tests: a reader for draw_dot's DOT text, random graphs, a toy model.

The reader is independent of autograd.draw: it parses the DOT statements back (one per
line), so the tests check what the text says, not how it was produced.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from hypothesis import strategies as st

from autograd import Value, dot

NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
CLUSTER = re.compile(r"^\s*subgraph (cluster_\w+) \{$")


def parse_attrs(text: str) -> dict[str, str]:
    """key="value" and key=<html> pairs; an HTML value may nest < > (and holds no bare ones)."""
    attrs: dict[str, str] = {}
    i = 0
    while i < len(text):
        eq = text.index("=", i)
        key = text[i:eq].strip(" ,")
        if text[eq + 1] == '"':
            end = text.index('"', eq + 2)
            attrs[key] = text[eq + 2 : end]
            i = end + 1
        elif text[eq + 1] != "<":  # a bare word or number
            end = text.find(",", eq)
            end = len(text) if end < 0 else end
            attrs[key] = text[eq + 1 : end]
            i = end
        else:
            depth, j = 0, eq + 1
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            attrs[key] = text[eq + 2 : j]
            i = j + 1
    return attrs


@dataclass
class Dot:
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node -> cluster path
    cluster_labels: dict[str, str] = field(default_factory=dict)
    cluster_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the ones around

    def cluster(self, *labels: str) -> tuple[str, ...]:
        """The path of cluster IDs whose labels are ``labels``, outermost first."""
        for key, around in self.cluster_paths.items():
            path = (*around, key)
            if [self.cluster_labels[c] for c in path] == list(labels):
                return path
        raise KeyError(labels)

    def into(self, target: str) -> list[str]:
        return [s for s, t, _ in self.edges if t == target]

    def edges_from(self, source: str) -> list[str]:
        return [t for s, t, _ in self.edges if s == source]


def parse(source: str) -> Dot:
    """Read draw_dot's output back: nodes, edges and which clusters each node sits in."""
    lines = source.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}", source
    dot_ = Dot()
    path: list[str] = []
    for line in lines[1:-1]:
        if m := CLUSTER.match(line):
            dot_.cluster_paths[m.group(1)] = tuple(path)
            path.append(m.group(1))
        elif line.strip() == "}":
            path.pop()
        elif m := EDGE.match(line):
            attrs = parse_attrs(m.group(3) or "")
            for key in ("label", "xlabel"):  # an edge's label is a one-cell table: its text
                if key in attrs:
                    attrs[key] = "\n".join(cells(attrs[key]))
            dot_.edges.append((m.group(1), m.group(2), attrs))
        elif m := NODE.match(line):
            name, attrs = m.group(1), parse_attrs(m.group(2))
            if name == "graph" and path:
                dot_.cluster_labels[path[-1]] = "\n".join(cells(attrs.get("label", "")))
            elif name not in ("graph", "node", "edge"):
                assert name not in dot_.nodes, f"{name} defined twice"
                dot_.nodes[name] = attrs
                dot_.clusters[name] = tuple(path)
        else:
            raise AssertionError(f"unexpected DOT line: {line!r}")
    assert not path, "unbalanced subgraphs"
    return dot_


def cells(label: str) -> list[str]:
    """The texts of an HTML-like label's table cells (or the whole label), unescaped."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", label) or [label]
    out = []
    for cell in found:
        cell = cell.replace("<br/>", "\n")
        cell = re.sub(r"<[^>]*>", "", cell)  # <b>, <font>
        out.append(html.unescape(cell).replace("\\\\", "\\"))  # Graphviz's \\ is one \
    return out


def grad_text(attrs: dict[str, str]) -> str | None:
    for cell in cells(attrs["label"]):
        if cell.startswith("grad "):
            return cell[len("grad ") :].rstrip(" ")  # a frame pads it to a fixed width
    return None


# -- hostile labels ----------------------------------------------------------------------
HOSTILE = ['"', "\\", "{", "}", "|", "<", ">", ":", "\n", "\r\n", "\r", "&", "]", "--", "&amp;"]
HOSTILE += ["\x00", "\x1b", "\x7f", "\t", "\ufffe", "<br/>", "\\n", "\\l", "\\N", "'"]
hostile_labels = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=3), max_size=12).map("".join)


def as_shown(label: str) -> str:
    """The text a drawing must show for ``label``: line breaks kept (as str.splitlines sees
    them, a trailing one included), other control characters as
    their visible Unicode pictures (XML cannot hold them), XML's non-characters as U+FFFD."""
    text = "\n".join(re.split(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", label))
    text = "".join(
        chr(0x2400 + ord(c)) if ord(c) < 32 and c != "\n" else "\u2421" if c == "\x7f" else c
        for c in text
    )
    return text.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


# -- random graphs ----------------------------------------------------------------------
UNARY = ("tanh", "sigmoid", "neg", "square", "times_const", "exp_small")
BINARY = ("+", "*", "-")


@st.composite
def graphs(draw: Any, max_steps: int = 10) -> tuple[Value, list[Value]]:
    """A random expression graph: leaves, then ops on earlier nodes (reuse allowed)."""
    n_leaves = draw(st.integers(1, 4))
    number = st.floats(-2, 2, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
    nodes = [Value(draw(number), label=f"x{i}") for i in range(n_leaves)]
    leaves = list(nodes)
    for _ in range(draw(st.integers(1, max_steps))):
        pick = st.sampled_from(nodes)
        kind = draw(st.sampled_from(UNARY + BINARY + ("dot",)))
        a = draw(pick)
        if kind == "tanh":
            new = a.tanh()
        elif kind == "sigmoid":
            new = a.sigmoid()
        elif kind == "neg":
            new = -a
        elif kind == "square":
            new = a * a
        elif kind == "times_const":
            new = a * draw(st.sampled_from([2, 0.5, -3]))
        elif kind == "exp_small":
            new = a.tanh().exp()
        elif kind == "dot":
            k = draw(st.integers(1, 3))
            new = dot([draw(pick) for _ in range(k)], [draw(pick) for _ in range(k)], draw(pick))
        else:
            b = draw(pick)
            new = a + b if kind == "+" else a * b if kind == "*" else a - b
        if abs(new.data) > 1e3:
            new = new.tanh()
        nodes.append(new)
    return nodes[-1], leaves


# -- a stand-in for nn.Module and nn.record_calls: what draw_dot reads, nothing more -------
class Call(NamedTuple):
    """One module call, as nn.ModuleCall has it."""

    name: str
    module: Any
    inputs: tuple[Value, ...]
    outputs: tuple[Value, ...]


class Recording(NamedTuple):
    """The calls of a model and its submodules, as nn.CallRecord has them."""

    model: Any
    calls: list[Call]


class ToyModule:
    """named_modules() and named_parameters(), as nn.Module provides them; its calls are
    recorded by :func:`record_calls`."""

    log: ClassVar[list[tuple[ToyModule, tuple[Value, ...], tuple[Value, ...]]] | None] = None

    def children(self) -> dict[str, ToyModule]:
        return {}

    def own_parameters(self) -> dict[str, Value]:
        return {}

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, ToyModule]]:
        yield prefix, self
        for name, child in self.children().items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        for module_name, module in self.named_modules(prefix):
            for name, p in module.own_parameters().items():
                yield (f"{module_name}.{name}" if module_name else name), p

    def __call__(self, xs: list[Any]) -> list[Value]:
        out = self.forward(xs)
        inputs = tuple(x for x in xs if isinstance(x, Value))
        if ToyModule.log is not None:  # after forward, as a forward hook runs
            ToyModule.log.append((self, inputs, tuple(out)))
        return out

    def forward(self, xs: list[Any]) -> list[Value]:
        raise NotImplementedError


class ToyNeuron(ToyModule):
    def __init__(self, nin: int, seed: int) -> None:
        self.w = [Value(((seed * 7 + i * 3) % 11 - 5) / 5) for i in range(nin)]
        self.b = Value(0.1 * seed)

    def own_parameters(self) -> dict[str, Value]:
        return {**{f"w.{i}": w for i, w in enumerate(self.w)}, "b": self.b}

    def forward(self, xs: list[Any]) -> list[Value]:
        act = self.b
        for w, x in zip(self.w, xs):
            act = act + w * x
        return [act.tanh()]


class ToyLayer(ToyModule):
    def __init__(self, nin: int, nout: int, seed: int) -> None:
        self.neurons = [ToyNeuron(nin, seed + i) for i in range(nout)]

    def children(self) -> dict[str, ToyModule]:
        return {f"neurons.{i}": n for i, n in enumerate(self.neurons)}

    def forward(self, xs: list[Any]) -> list[Value]:
        return [n(xs)[0] for n in self.neurons]


class ToyMLP(ToyModule):
    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin, *nouts]
        self.layers = [ToyLayer(sizes[i], sizes[i + 1], 10 * i) for i in range(len(nouts))]

    def children(self) -> dict[str, ToyModule]:
        return {f"layers.{i}": layer for i, layer in enumerate(self.layers)}

    def forward(self, xs: list[Any]) -> list[Value]:
        for layer in self.layers:
            xs = layer(xs)
        return xs


@contextmanager
def record_calls(model: ToyModule) -> Iterator[Recording]:
    """What nn.record_calls gives, by hand: every call of ``model`` and its submodules
    inside the block, in the order they return, named by ``named_modules()``."""
    names = {id(module): name for name, module in model.named_modules()}
    recording = Recording(model, [])
    ToyModule.log = []
    try:
        yield recording
        for module, inputs, outputs in ToyModule.log:
            if id(module) in names:
                recording.calls.append(Call(names[id(module)], module, inputs, outputs))
    finally:
        ToyModule.log = None


def recorded_toy_mlp_graph(nouts: list[int]) -> tuple[ToyMLP, Recording, list[Value], Value]:
    """A toy MLP(2, nouts) applied to two input Values, its outputs summed into a loss,
    with the recording of the model's calls."""
    model = ToyMLP(2, nouts)
    xs = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
    with record_calls(model) as recording:
        out = model(xs)
    loss = sum(out[1:], out[0]) ** 2
    loss.backward()
    return model, recording, xs, loss


def lecture_neuron() -> Value:
    """micrograd's lecture neuron, o = tanh(x1 w1 + x2 w2 + b), b = 6.8814 so that o = 0.7071."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    return o


# -- the lecture's drawings: the ones the README shows -----------------------------------------
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))  # no package
from make_figures import lecture_mlp  # noqa: E402, F401  (it puts demo.py on the path)

from demo import lecture_neuron as _lecture_neuron  # noqa: E402


def slide_neuron() -> tuple[Value, dict[str, Value]]:
    """demo.py's neuron, o = tanh(x1 w1 + x2 w2 + b) = 0.7071, and its parameters."""
    o, leaves = _lecture_neuron()
    return o, {name: leaves[name] for name in ("w1", "w2", "b")}
