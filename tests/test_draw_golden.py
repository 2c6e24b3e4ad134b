"""Golden DOT: the exact text draw_dot and backward_frames write for a few small graphs.

As the graphviz package tests its output: the expected ``.source`` is written out here in
full, so any change to what a drawing says (a colour, an attribute's order, a label) shows
up as a diff to read and accept on purpose. The numbers were checked by hand: for the
neuron, y = tanh(2 * -3 + 1) = tanh(-5) = -0.9999 and dy/d(wx+b) = 1 - tanh(-5)^2 =
0.0001816, so dy/dw = 2 * 0.0001816 and dy/dx = -3 * 0.0001816; for x * x + 2 at 3, 11 and
dy/dx = 6, each use of x passing 3 back (the frames of x * x: 3 x 3 = 9 forward, then 3 back
along each of the two edges, pointing back, which makes x's gradient 6, final).
"""
# ruff: noqa: E501  (a DOT line is as long as it is)

from __future__ import annotations

from drawing_helpers import ToyNeuron, record_calls

from autograd import Value, draw_dot
from autograd.draw import backward_frames

NEURON = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, labelloc=t, fontsize=16]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n0 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="124"><b>x</b></td></tr><tr><td align="left" width="124">data 2.000</td></tr><tr><td align="left" width="124">grad -0.0005447</td></tr></table>>]
	n1 [style="rounded,filled", color="#0072b2", penwidth="2", fillcolor="#cce3f0", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="119"><b>w</b></td></tr><tr><td align="left" width="119">data -3.000</td></tr><tr><td align="left" width="119">grad 0.0003632</td></tr></table>>]
	n2 [style="filled", color="#555555", fillcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="119">data -6.000</td></tr><tr><td align="left" width="119">grad 0.0001816</td></tr></table>>]
	n2_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<×>]
	n3 [style="rounded,filled", color="#0072b2", penwidth="2", fillcolor="#cce3f0", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="119"><b>b</b></td></tr><tr><td align="left" width="119">data 1.000</td></tr><tr><td align="left" width="119">grad 0.0001816</td></tr></table>>]
	n4 [style="filled", color="#555555", fillcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="119">data -5.000</td></tr><tr><td align="left" width="119">grad 0.0001816</td></tr></table>>]
	n4_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<+>]
	n5 [style="filled,bold", peripheries="2", fillcolor="#f9f4b3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="97"><b>y</b></td></tr><tr><td align="left" width="97">data -0.9999</td></tr><tr><td align="left" width="97">grad 1.000</td></tr></table>>]
	n5_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<tanh>]
	n0 -> n2_op
	n1 -> n2_op
	n2_op -> n2
	n2 -> n4_op
	n3 -> n4_op
	n4_op -> n4
	n4 -> n5_op
	n5_op -> n5
}
"""


SQUARE = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, labelloc=t, fontsize=16]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n0 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="83"><b>x</b></td></tr><tr><td align="left" width="83">data 3.000</td></tr><tr><td align="left" width="83">grad 6.000</td></tr></table>>]
	n1 [style="filled", color="#555555", fillcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="83">data 9.000</td></tr><tr><td align="left" width="83">grad 1.000</td></tr></table>>]
	n1_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<×>]
	n2 [style="dashed", color="#888888", fontcolor="#555555", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="47">2.000</td></tr></table>>]
	n3 [style="filled,bold", peripheries="2", fillcolor="#f9f4b3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="83">data 11.00</td></tr><tr><td align="left" width="83">grad 1.000</td></tr></table>>]
	n3_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<+>]
	n0 -> n1_op [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="68">∂ 3.000</td></tr></table>>]
	n0 -> n1_op [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="68">∂ 3.000</td></tr></table>>]
	n1_op -> n1
	n1 -> n3_op [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="68">∂ 1.000</td></tr></table>>]
	n2 -> n3_op [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="68">∂ 1.000</td></tr></table>>]
	n3_op -> n3
}
"""


SQUARE_FORWARD = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, labelloc=t, fontsize=16, label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="0" width="530"><tr><td align="left">x squared</td></tr><tr><td align="left">forward 1/1: 3.000 × 3.000 = 9.000 (red)</td></tr><tr><td align="left">data flows forward along the red arrows; no gradient is known yet</td></tr><tr><td><table border="0" cellspacing="4" cellpadding="0"><tr><td border="2" color="#009e73" bgcolor="#ccece3" style="solid" cellpadding="3" align="left" width="54">input</td><td border="2" color="#000000" bgcolor="#f9f4b3" style="solid" cellpadding="3" align="left" width="65">output</td><td border="3" color="#d55e00" cellpadding="3" align="left" width="81">this step</td></tr></table></td></tr></table>>]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n0 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>x</b></td></tr><tr><td align="left" width="92"><font face="Courier">data 3.000</font></td></tr><tr><td align="left" width="92"><font face="Courier">grad ?    </font></td></tr></table>>]
	n1 [style="filled,bold", peripheries="2", fillcolor="#f9f4b3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><font face="Courier">data 9.000</font></td></tr><tr><td align="left" width="92"><font face="Courier">grad ?    </font></td></tr></table>>, color="#d55e00", penwidth="3.5"]
	n1_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<×>, color="#d55e00", penwidth="3.5"]
	n0 -> n1_op [label=<<font face="Courier" point-size="14">             </font>>, color="#d55e00", penwidth="3", fontcolor="#d55e00"]
	n0 -> n1_op [label=<<font face="Courier" point-size="14">             </font>>, color="#d55e00", penwidth="3", fontcolor="#d55e00"]
	n1_op -> n1 [color="#d55e00", penwidth="3", fontcolor="#d55e00"]
}
"""


SQUARE_BACKWARD = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, labelloc=t, fontsize=16, label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="0" width="524"><tr><td align="left">x squared</td></tr><tr><td align="left">backward 1/1: the output (red) has its full gradient 1.000</td></tr><tr><td align="left">its × rule sends grad × local derivative back; now final (bold): x</td></tr><tr><td><table border="0" cellspacing="4" cellpadding="0"><tr><td border="2" color="#009e73" bgcolor="#ccece3" style="solid" cellpadding="3" align="left" width="54">input</td><td border="2" color="#000000" bgcolor="#f9f4b3" style="solid" cellpadding="3" align="left" width="65">output</td><td border="3" color="#d55e00" cellpadding="3" align="left" width="81">this step</td></tr></table></td></tr></table>>]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n0 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>x</b></td></tr><tr><td align="left" width="92"><font face="Courier">data 3.000</font></td></tr><tr><td align="left" width="92"><font face="Courier"><b>grad 6.000</b></font></td></tr></table>>]
	n1 [style="filled,bold", peripheries="2", fillcolor="#f9f4b3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><font face="Courier">data 9.000</font></td></tr><tr><td align="left" width="92"><font face="Courier"><b>grad 1.000</b></font></td></tr></table>>, color="#d55e00", penwidth="3.5"]
	n1_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<×>, color="#d55e00", penwidth="3.5"]
	n0 -> n1_op [label=<<font face="Courier" point-size="14">grad += 3.000</font>>, color="#d55e00", penwidth="3", fontcolor="#d55e00", dir="back"]
	n0 -> n1_op [label=<<font face="Courier" point-size="14">grad += 3.000</font>>, color="#d55e00", penwidth="3", fontcolor="#d55e00", dir="back"]
	n1_op -> n1 [color="#d55e00", penwidth="3", fontcolor="#d55e00", dir="back"]
}
"""


NEURON_MODULE = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, labelloc=t, fontsize=16]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n2 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>x</b></td></tr><tr><td align="left" width="92">data 0.5000</td></tr><tr><td align="left" width="92">grad 0.3661</td></tr></table>>]
	subgraph cluster_0 {
		graph [label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left" width="83">ToyNeuron</td></tr></table>>, style="rounded,dashed", color="#999999", fontcolor="#444444"]
		n0 [style="rounded,filled", color="#0072b2", penwidth="2", fillcolor="#cce3f0", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>b</b></td></tr><tr><td align="left" width="92">data 0.1000</td></tr><tr><td align="left" width="92">grad 0.9151</td></tr></table>>]
		n1 [style="rounded,filled", color="#0072b2", penwidth="2", fillcolor="#cce3f0", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>w.0</b></td></tr><tr><td align="left" width="92">data 0.4000</td></tr><tr><td align="left" width="92">grad 0.4576</td></tr></table>>]
		n3 [style="filled", color="#555555", fillcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92">data 0.2000</td></tr><tr><td align="left" width="92">grad 0.9151</td></tr></table>>]
		n3_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<×>]
		n4 [style="filled", color="#555555", fillcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92">data 0.3000</td></tr><tr><td align="left" width="92">grad 0.9151</td></tr></table>>]
		n4_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<+>]
		n5 [style="filled,bold", peripheries="2", fillcolor="#f9f4b3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="91">data 0.2913</td></tr><tr><td align="left" width="91">grad 1.000</td></tr></table>>]
		n5_op [shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="16", label=<tanh>]
	}
	n1 -> n3_op
	n2 -> n3_op
	n3_op -> n3
	n0 -> n4_op
	n3 -> n4_op
	n4_op -> n4
	n4 -> n5_op
	n5_op -> n5
}
"""


NEURON_MODULE_COLLAPSED = """\
digraph {
	graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.6, labelloc=t, fontsize=16, ordering=out, remincross=false]
	node [shape=box, fontname="Helvetica", fontsize=14, height=0.3]
	edge [fontname="Helvetica", fontsize=14, color="#555555", arrowsize=0.7]
	n2 [style="filled", color="#009e73", penwidth="2", fillcolor="#ccece3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>x</b></td></tr><tr><td align="left" width="92">data 0.5000</td></tr><tr><td align="left" width="92">grad 0.3661</td></tr></table>>]
	m0 [style="rounded,filled", color="#cc79a7", penwidth="2", fillcolor="#e6bcd3", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="92"><b>ToyNeuron</b></td></tr><tr><td align="left" width="92">data 0.2913</td></tr><tr><td align="left" width="92">grad 1.000</td></tr></table>>, tooltip=" · ToyNeuron", peripheries="2"]
	n2 -> m0
}
"""


def test_a_neuron_with_labels_and_parameters() -> None:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = (x * w + b).tanh()
    y.label = "y"
    y.backward()
    assert draw_dot(y, params=[w, b]).source == NEURON


def test_a_square_plus_a_constant_with_local_derivatives() -> None:
    x = Value(3.0, label="x")
    y = x * x + 2
    y.backward()
    assert draw_dot(y, show_local_grads=True).source == SQUARE


def test_the_frames_of_a_square() -> None:
    x = Value(3.0, label="x")
    frames = backward_frames(x * x, title="x squared", forward=True)
    assert [frame.source for frame in frames] == [SQUARE_FORWARD, SQUARE_BACKWARD]


def neuron_module() -> tuple[Value, object]:
    """ToyNeuron(1, seed=1): w.0 = 0.4, b = 0.1; tanh(0.1 + 0.4 * 0.5) = tanh(0.3)."""
    neuron, x = ToyNeuron(1, seed=1), Value(0.5, label="x")
    with record_calls(neuron) as calls:
        (y,) = neuron([x])
    y.backward()
    return y, calls


def test_a_module_box() -> None:
    y, calls = neuron_module()
    assert draw_dot(y, model=calls).source == NEURON_MODULE


def test_a_collapsed_module_box() -> None:
    y, calls = neuron_module()
    assert draw_dot(y, model=calls, collapse=True).source == NEURON_MODULE_COLLAPSED
