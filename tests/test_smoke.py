"""The README's first example, with its numbers derived by hand rather than by the engine."""

import math

from autograd import Value


def test_neuron_by_hand() -> None:
    x, w, b = Value(2.0), Value(-3.0), Value(1.0)
    y = (x * w + b).tanh()
    y.backward()
    t = math.tanh(2.0 * -3.0 + 1.0)
    assert y.data == t
    assert w.grad == (1 - t * t) * 2.0
    assert x.grad == (1 - t * t) * -3.0
    assert b.grad == 1 - t * t
