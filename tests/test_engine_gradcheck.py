"""gradcheck and gradgradcheck: truthy reports, printable tables, errors naming each input."""

from __future__ import annotations

import pytest

from autograd import GradcheckError, GradcheckReport, Value, gradcheck, gradgradcheck


def cut(v: Value) -> Value:
    """A classic student mistake: rebuilding a Value from .data cuts it out of the graph."""
    return Value(v.data)


def test_gradcheck_passes_a_correct_function() -> None:
    report = gradcheck(lambda a, b: (a * b).tanh() + b.exp() / a, [0.5, -1.5])
    assert isinstance(report, GradcheckReport) and report
    assert len(report.rows) == 2 and report.failures == []
    table = str(report).splitlines()
    assert table[0] == "gradcheck: 2 first derivatives, eps=1e-06"
    assert table[1].split() == ["derivative", "at", "analytic", "numeric", "abs", "error"]
    assert table[2].split()[:2] == ["d/dx0", "0.5"] and table[2].endswith("ok")
    assert table[3].split()[:2] == ["d/dx1", "-1.5"] and table[3].endswith("ok")
    assert repr(report) == str(report)


def test_gradcheck_names_inputs_by_label() -> None:
    report = gradcheck(lambda w, b: w * 2 + b, [Value(1.0, label="w"), Value(0.0, label="b")])
    assert [row.name for row in report.rows] == ["d/dw", "d/db"]


def test_gradcheck_lists_each_mismatching_input() -> None:
    with pytest.raises(GradcheckError) as error:
        gradcheck(lambda a, b, c: a * cut(b) + cut(c) * 3, [2.0, 3.0, -1.0])
    report = error.value.report
    assert not report
    assert [row.name for row in report.failures] == ["d/dx1", "d/dx2"]
    message = str(error.value)
    assert message.startswith("gradients do not match finite differences for d/dx1, d/dx2\n")
    lines = {line.split()[0]: line for line in message.splitlines()[2:]}
    assert lines["d/dx0"].endswith("ok")
    assert lines["d/dx1"].endswith("MISMATCH") and lines["d/dx2"].endswith("MISMATCH")
    row = report.failures[0]  # d/db: the analytic gradient is 0, the true one a = 2
    assert row.analytic == 0.0 and abs(row.numeric - 2.0) < 1e-6 and row.at == 3.0


def test_gradcheck_fails_at_a_kink() -> None:
    """At relu's kink the one-sided derivatives differ: finite differences see their mean."""
    with pytest.raises(GradcheckError, match="d/dx0"):
        gradcheck(lambda a: a.relu(), [0.0])


def test_gradcheck_tolerances() -> None:
    # a gradient off by 1e-2 in 2.01: more than atol + rtol * 2 with the defaults (2e-3)
    def slightly_off(a: Value) -> Value:
        return a * 2 + cut(a) * 1e-2

    with pytest.raises(GradcheckError):
        gradcheck(slightly_off, [1.0])
    assert gradcheck(slightly_off, [1.0], rtol=1e-2)
    assert gradcheck(slightly_off, [1.0], atol=2e-2)


def test_gradgradcheck_passes_a_correct_function() -> None:
    report = gradgradcheck(lambda a, b: a.sin() * b**3 + (a * b).sigmoid(), [0.3, 1.2])
    assert report and len(report.rows) == 4
    assert [row.name for row in report.rows] == [
        "d2/dx0dx0",
        "d2/dx0dx1",
        "d2/dx1dx0",
        "d2/dx1dx1",
    ]
    assert str(report).startswith("gradgradcheck: 4 second derivatives")


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    """a * cut(a): the first derivative is a (not 2a) and it does not depend on a."""
    with pytest.raises(GradcheckError) as error:
        gradgradcheck(lambda a, b: a * cut(a) + b * b, [1.5, 0.5])
    assert [row.name for row in error.value.report.failures] == ["d2/dx0dx0"]
