"""The README's main command (`make demo`): backpropagation by hand, then micrograd's demo.

1. One neuron by hand, its gradients printed (micrograd's lecture example).
2. micrograd's moons demo with chainrule's API: MLP(2, [16, 16, 1]) on 100 moons points,
   hinge loss + 1e-4 L2, SGD with lr = 1.0 - 0.9 k / 100, trained with a progress bar.
3. Pictures in out/: the neuron of step 1 as a computation graph (SVG) and the decision
   boundary (PNG).
"""

from __future__ import annotations

from pathlib import Path

from autograd import Value
from nn import MLP, SGD, LinearLR, evaluate, fit, make_moons

OUT = Path(__file__).resolve().parent / "out"


def lecture_neuron() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1*w1 + x2*w2 + b), built from Values as in micrograd's lecture, with each
    step named as the lecture writes it; backward done. Returns o and the leaves by name."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1w1", "x2w2"
    total = x1w1 + x2w2
    total.label = "x1w1 + x2w2"
    n = total + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {"x1": x1, "w1": w1, "x2": x2, "w2": w2, "b": b}


def neuron_by_hand() -> tuple[Value, dict[str, Value]]:
    o, leaves = lecture_neuron()
    print(f"o = {o.data:.4f}")
    for name, leaf in leaves.items():
        print(f"do/d{name} = {leaf.grad:+.4f}")
    return o, leaves


def train_moons() -> tuple[MLP, list[list[float]], list[int]]:
    X, labels = make_moons(100, noise=0.1, seed=0)
    y = [2 * t - 1 for t in labels]  # the hinge loss wants labels -1 and +1
    model = MLP(2, [16, 16, 1], seed=0, fused=True)  # fused: one node per weighted sum
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    print(f"\ntraining {model} ({len(model.parameters())} parameters) on 100 moons points")
    fit(model, X, y, loss="hinge", optimizer=optimizer, scheduler=schedule, epochs=100, l2=1e-4)
    loss, accuracy = evaluate(model, X, y, "hinge")
    print(f"training accuracy {accuracy:.0%} (hinge loss {loss:.4f})")
    return model, X, y


def draw_neuron(o: Value, leaves: dict[str, Value]) -> None:
    """The neuron computed above, drawn: inputs x1 and x2 with their grads, the weights and
    bias as parameters, each edge with its local derivative."""
    params = {name: leaves[name] for name in ("w1", "w2", "b")}
    try:
        from autograd import draw_dot

        drawing = draw_dot(o, params=params, show_local_grads=True, legend=True)
        path = drawing.render(OUT / "neuron.svg")
    except (ImportError, AttributeError) as error:
        print(f"graph drawing skipped: this autograd has no draw_dot ({error})")
        return
    except (RuntimeError, OSError) as error:  # e.g. no Graphviz `dot` program installed
        print(f"graph drawing skipped: rendering failed ({error})")
        return
    print(f"the neuron's computation graph: {path}")


def plot_decision_boundary(model: MLP, X: list[list[float]], y: list[int]) -> None:
    """The trained network's decision map in the projector style of the notebooks
    (nn.plot): regions, the boundary where the score crosses 0, the points, axis labels
    and a legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nn.plot import plot_decision_boundary as decision_map
    from nn.plot import projector_style

    with projector_style():
        fig, ax = plt.subplots(figsize=(9, 6))
        decision_map(model, X, y, ax, names={-1: "class -1", 1: "class +1"},
                     title="MLP(2, [16, 16, 1]) on moons: decision boundary")  # fmt: skip
        path = OUT / "moons_decision_boundary.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
    print(f"decision boundary: {path}")


def main() -> None:
    o, leaves = neuron_by_hand()
    model, X, y = train_moons()
    OUT.mkdir(exist_ok=True)
    draw_neuron(o, leaves)
    plot_decision_boundary(model, X, y)


if __name__ == "__main__":
    main()
