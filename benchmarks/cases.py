"""One benchmark measurement, run in a fresh process: ``python cases.py CASE ENGINE [ARG]``.

It prints one JSON object on stdout; ``run.py`` starts these processes alternately and
aggregates them. Engines:

* ``micrograd``  Karpathy's micrograd 0.1.0 from PyPI, with its own ``micrograd.nn``;
* ``chainrule``  chainrule at micrograd's granularity (one node per scalar op), running
  micrograd's nn code unchanged but for the import;
* ``fused``      chainrule's fast path: each neuron's weighted sum is one ``autograd.dot`` node;
* ``nn``         the same through chainrule's ``nn.MLP(..., fused=True)`` (adds nn's overhead);
* ``compiled``   ``nn.fit(..., compile=True)`` on that MLP: each step a traced program over
  floats (``autograd.trace``), the whole training loop included;
* ``floats``     the same computation written out by hand with floats (forward, backward,
  SGD): the practical limit for pure Python.

Cases: ``demo`` (micrograd's demo training step, ARG = "gc" or "nogc"), ``chain`` (backward
of a chain of ARG nodes y = y * x), ``memory`` (bytes per node and freeing with the
collector off) and ``check`` (loss and gradients of every engine on one step).
"""

from __future__ import annotations

import gc
import itertools
import json
import math
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

NOUTS = [16, 16, 1]  # micrograd's demo: MLP(2, [16, 16, 1])
ALPHA = 1e-4  # its L2 regularisation strength
STEPS = 4  # training steps timed from the initial weights, for every engine
REPEATS = {
    "micrograd": 1,
    "chainrule": 3,
    "fused": 10,
    "nn": 5,
    "compiled": 5,
    "floats": 40,
}  # trajectories per process


# -- the data and the initial weights, identical for every engine -------------------------
def make_moons(
    n: int = 100, noise: float = 0.1, seed: int = 1
) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with labels -1/+1, like sklearn's make_moons."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * (i // 2) / (n // 2 - 1)
        if i % 2 == 0:
            x, y, label = math.cos(t), math.sin(t), -1.0
        else:
            x, y, label = 1 - math.cos(t), 0.5 - math.sin(t), 1.0
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(label)
    return xs, ys


def initial_weights(
    nin: int = 2, nouts: list[int] = NOUTS, seed: int = 0
) -> list[list[list[float]]]:
    """Per layer, per neuron: [w_0, ..., w_nin-1, b] (micrograd's parameter order)."""
    rng = random.Random(seed)
    sizes = [nin, *nouts]
    return [
        [[rng.uniform(-1, 1) for _ in range(sizes[i])] + [0.0] for _ in range(sizes[i + 1])]
        for i in range(len(nouts))
    ]


# -- the training step, written once for any Value class ---------------------------------
def value_model(engine: str) -> tuple[Any, Callable[[list[float]], Any], list[Any]]:
    """(Value class, model(x) -> score, parameters in micrograd's order) for an engine."""
    weights = initial_weights()
    if engine == "nn":  # chainrule's own nn, as a user writes it: MLP(..., fused=True)
        import nn
        from autograd import Value

        mlp = nn.MLP(2, NOUTS, fused=True)
        neurons = [n for layer in mlp.layers for n in layer.neurons]
        params = [p for n in neurons for p in (*n.w, n.b)]
        for p, v in zip(params, [v for layer in weights for n in layer for v in n]):
            p.data = v
        return Value, mlp, params
    if engine == "micrograd":
        from micrograd.engine import Value
        from micrograd.nn import MLP
    else:
        import micrograd.nn  # micrograd's own nn code, run on chainrule's Value

        from autograd import Value  # type: ignore[no-redef]

        micrograd.nn.Value = Value
        MLP = micrograd.nn.MLP
    if engine != "fused":
        model = MLP(2, NOUTS)
        for layer, layer_weights in zip(model.layers, weights):
            for neuron, values in zip(layer.neurons, layer_weights):
                for p, v in zip(neuron.parameters(), values):
                    p.data = v
        return Value, model, model.parameters()

    from autograd import dot

    layers = [[[Value(v) for v in neuron] for neuron in layer] for layer in weights]
    last = len(layers) - 1

    def fused(x: list[float]) -> Any:
        for i, layer in enumerate(layers):
            out = [dot(n[:-1], x, n[-1]) for n in layer]
            x = out if i == last else [o.relu() for o in out]
        return x[0]

    return Value, fused, [p for layer in layers for neuron in layer for p in neuron]


def value_step(
    Value: Any, model: Any, params: list[Any], X: list[list[float]], y: list[float], lr: float
) -> float:
    """micrograd's demo loop body: hinge loss + L2, zero_grad, backward, SGD. Returns the loss."""
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    total = data_loss + reg_loss
    for p in params:
        p.grad = 0
    total.backward()
    for p in params:
        p.data -= lr * p.grad
    return total.data


# -- the same step by hand, with floats ---------------------------------------------------
def float_loss_and_grads(
    layers: list[list[list[float]]], X: list[list[float]], y: list[float]
) -> tuple[float, list[list[list[float]]]]:
    """The loss and its gradient for the MLP, written out with floats.

    ``layers[l][j]`` is neuron j of layer l as [w_0, ..., w_n-1, b]; the last layer is linear.
    """
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in layers]
    last = len(layers) - 1
    n = len(X)
    data_loss = 0.0
    for x, yi in zip(X, y):
        acts = [x]  # the input of each layer, then the output of the last
        for i, layer in enumerate(layers):
            out = []
            for neuron in layer:
                s = neuron[-1]
                for w, a in zip(neuron, acts[-1]):
                    s += w * a
                out.append(s if i == last or s > 0 else 0.0)
            acts.append(out)
        margin = 1 + -yi * acts[-1][0]
        if margin <= 0:  # hinge: relu(1 - y * score) is 0 here, and so is its gradient
            continue
        data_loss += margin
        g_out = [-yi / n]
        for i in range(last, -1, -1):
            a_in = acts[i]
            g_in = [0.0] * len(a_in)
            for neuron, grad, g, a in zip(layers[i], grads[i], g_out, acts[i + 1]):
                if i != last and a <= 0:  # relu'(z) = 0 where the output is 0
                    continue
                for k, (w, x_k) in enumerate(zip(neuron, a_in)):
                    grad[k] += g * x_k
                    g_in[k] += g * w
                grad[-1] += g
            g_out = g_in
    reg = 0.0
    for layer, layer_grads in zip(layers, grads):
        for neuron, grad in zip(layer, layer_grads):
            for k, p in enumerate(neuron):
                reg += p * p
                grad[k] += 2 * ALPHA * p
    return data_loss * (1.0 / n) + ALPHA * reg, grads


def float_step(
    layers: list[list[list[float]]], X: list[list[float]], y: list[float], lr: float
) -> float:
    """One training step with floats: loss and gradient by hand, then SGD. Returns the loss."""
    loss, grads = float_loss_and_grads(layers, X, y)
    for layer, layer_grads in zip(layers, grads):
        for neuron, grad in zip(layer, layer_grads):
            for k, g in enumerate(grad):
                neuron[k] -= lr * g
    return loss


# -- cases ---------------------------------------------------------------------------------
def demo(engine: str, mode: str) -> dict[str, Any]:
    """Seconds per step of micrograd's demo loop, over the same STEPS steps for every engine.

    Each repeat starts from the same weights, so every engine times the same trajectory
    (the hand-written code skips the backward pass of samples whose hinge loss is 0, so
    its cost depends on where training is).
    """
    X, y = make_moons()
    if engine == "compiled":
        return compiled_demo(X, y, mode)
    if engine == "floats":
        layers: list[list[list[float]]] = []

        def reset() -> None:
            layers[:] = initial_weights()

        step = lambda lr: float_step(layers, X, y, lr)  # noqa: E731
    else:
        Value, model, params = value_model(engine)
        start_weights = [p.data for p in params]

        def reset() -> None:
            for p, w in zip(params, start_weights):
                p.data = w

        step = lambda lr: value_step(Value, model, params, X, y, lr)  # noqa: E731
    if mode == "nogc":
        gc.disable()
    times, losses = [], []
    for repeat in range(REPEATS[engine] + 1):
        reset()
        start = time.perf_counter()
        losses = [step(1.0 - 0.9 * k / 100) for k in range(STEPS)]
        if repeat or engine == "micrograd":  # the first repeat warms up (except micrograd: slow)
            times.append((time.perf_counter() - start) / STEPS)
        if engine == "micrograd":
            break
    return {"times": times, "losses": losses}


def compiled_fit(X: list[list[float]], y: list[float], epochs: int) -> tuple[Any, list[float]]:
    """``fit(compile=True)`` of micrograd's demo from the initial weights: the model, and
    the seconds of each epoch after the first (which traces the program), timed by the
    learning-rate schedule that fit calls once per epoch."""
    from nn import MLP, SGD, LambdaLR, fit

    model = MLP(2, NOUTS, fused=True)
    params = [p for layer in model.layers for n in layer.neurons for p in (*n.w, n.b)]
    for p, v in zip(params, [v for layer in initial_weights() for n in layer for v in n]):
        p.data = v
    optimizer = SGD(model.parameters(), lr=1.0)
    clock: list[float] = []

    def rate(epoch: int) -> float:  # micrograd's demo schedule, and a stopwatch
        clock.append(time.perf_counter())
        return 1.0 - 0.9 * epoch / 100

    schedule = LambdaLR(optimizer, rate)
    fit(model, X, y, loss="hinge", optimizer=optimizer, scheduler=schedule, epochs=epochs,
        l2=ALPHA, shuffle=False, progress=False, compile=True)  # fmt: skip
    return model, [b - a for a, b in itertools.pairwise(clock[1:])]


def compiled_demo(X: list[list[float]], y: list[float], mode: str) -> dict[str, Any]:
    """Seconds per epoch of fit(compile=True), the trace excluded (see compiled_fit)."""
    if mode == "nogc":
        gc.disable()
    times = []
    for _ in range(REPEATS["compiled"]):
        times += compiled_fit(X, y, 1 + STEPS)[1]
    return {"times": times, "losses": None}


def engine_value(engine: str) -> Any:
    if engine == "micrograd":
        from micrograd.engine import Value
    else:
        from autograd import Value  # type: ignore[no-redef]
    return Value


def chain(engine: str, n_text: str, recursion_limit: str = "") -> dict[str, Any]:
    """Build y = x * x * ... * x (n nodes), backward, free it: seconds, peak memory, x.grad.

    ``recursion_limit`` raises Python's limit first (micrograd's sort is recursive).
    """
    n = int(n_text)
    if recursion_limit:
        sys.setrecursionlimit(int(recursion_limit))
    rss0 = _maxrss()
    start = time.perf_counter()
    if engine == "floats":  # y_k = y_k-1 * x; then d(y_n)/dx by the chain rule, by hand
        x = 1.0000001
        data = [x]
        for _ in range(n):
            data.append(data[-1] * x)
        built = time.perf_counter()
        g, grad = 1.0, 0.0
        for k in range(n, 0, -1):  # d(y_k)/d(y_k-1) = x, d(y_k)/dx = y_k-1
            grad += g * data[k - 1]
            g *= x
        grad += g  # y_0 is x itself
        backward_done = time.perf_counter()
        rss_peak = _maxrss()
        del data
    else:
        Value = engine_value(engine)
        x = Value(1.0000001)
        y = x
        for _ in range(n):
            y = y * x
        built = time.perf_counter()
        try:
            y.backward()
        except RecursionError:
            return {"error": f"RecursionError (recursion limit {sys.getrecursionlimit()})"}
        backward_done = time.perf_counter()
        rss_peak = _maxrss()
        grad = x.grad
        del x, y  # frees the whole chain: a 3-million-deep cascade of deallocations
    done = time.perf_counter()
    return {
        "grad": grad,
        "build": built - start,
        "backward": backward_done - built,
        "free": done - backward_done,
        "peak_mb": (rss_peak - rss0) / 1024,
    }


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def memory(engine: str, kind: str) -> dict[str, Any]:
    """Bytes per node of one kind of graph (tracemalloc), and whether dropping it frees it
    with the cyclic garbage collector disabled.

    unary: y = tanh(y) (micrograd 0.1.0 has no tanh: its relu, which reuses the float, so
    micrograd's figure is 24 bytes too kind); binary: y = y * x; neuron: a 16-input
    weighted sum, one dot node in chainrule, 32 nodes in micrograd (bytes per neuron).
    """
    n = 20_000 if kind != "neuron" else 2_000
    Value = engine_value(engine)
    sys.setrecursionlimit(100 * n)  # micrograd's recursive sort; chainrule needs none
    gc.disable()
    x = Value(0.5)
    ws = [Value(0.1 * i) for i in range(16)]
    xs = [Value(0.2 * i) for i in range(16)]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    y = x
    if kind == "unary":
        for _ in range(n):
            y = y.tanh() if engine != "micrograd" else y.relu()
    elif kind == "binary":
        for _ in range(n):
            y = y * x
    elif engine == "micrograd":
        for _ in range(n):
            y = sum((w * v for w, v in zip(ws, xs)), y)
    else:
        from autograd import dot

        for _ in range(n):
            y = dot(ws, xs, y)
    built = tracemalloc.get_traced_memory()[0] - base
    y.backward()
    after_backward = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    alive = nodes_alive(Value)
    del y
    return {
        "bytes_per_node": built / n,
        "bytes_per_node_after_backward": after_backward / n,
        "nodes_alive": alive,
        "nodes_left_after_drop": nodes_alive(Value) - 1 - len(ws) - len(xs),  # all but x, ws, xs
    }


def nodes_alive(Value: Any) -> int:
    """The engine's nodes in memory: the collector lists them even while it is disabled."""
    return sum(isinstance(o, Value) for o in gc.get_objects())


def check() -> dict[str, Any]:
    """Loss and gradients of one step for every engine, from the same weights and data."""
    X, y = make_moons()
    result: dict[str, Any] = {}
    for engine in ("micrograd", "chainrule", "fused", "nn"):
        Value, model, params = value_model(engine)
        loss = value_step(Value, model, params, X, y, lr=0.0)
        result[engine] = {"loss": loss, "grads": [float(p.grad) for p in params]}
    loss, grads = float_loss_and_grads(initial_weights(), X, y)
    flat = [g for layer in grads for neuron in layer for g in neuron]
    result["floats"] = {"loss": loss, "grads": flat}
    from nn import losses
    from nn.compiled import CompiledStep

    model, _ = compiled_fit(X, y, 1)  # only for a model of the right shape
    params = [p for layer in model.layers for n in layer.neurons for p in (*n.w, n.b)]
    for p, v in zip(params, [v for layer in initial_weights() for n in layer for v in n]):
        p.data = v
    step = CompiledStep(model, losses.hinge_loss, model.parameters(), X)
    data_loss, _ = step(list(range(len(X))), y, ALPHA)
    reg = sum(p.data * p.data for p in params)
    result["compiled"] = {"loss": data_loss + ALPHA * reg, "grads": [p.grad for p in params]}
    return result


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    case, *args = sys.argv[1:]
    out = {"demo": demo, "chain": chain, "memory": memory, "check": check}[case](*args)
    print(json.dumps(out))
