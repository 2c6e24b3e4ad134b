"""The README's main command (`make demo`): backpropagation through a small expression."""

from autograd import Value


def main() -> None:
    # A neuron by hand: o = tanh(x1*w1 + x2*w2 + b), as in micrograd's lecture.
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    print(f"o = {o.data:.4f}")
    for leaf in (x1, w1, x2, w2, b):
        print(f"do/d{leaf.label} = {leaf.grad:+.4f}")


if __name__ == "__main__":
    main()
