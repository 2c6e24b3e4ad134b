"""Checkers for the exercises at the end of each lecture notebook.

A student writes a function and passes it to its checker, ``check_softmax(my_softmax)``.
The checker tries it on inputs the student did not pick and compares it with the answer
worked out independently (the formula, finite differences, a hand-made table):

* right: it prints what was checked;
* still the notebook's stub (it raises ``NotImplementedError``): it says so, and a
  notebook with its exercises not done still runs top to bottom;
* wrong: it raises :class:`ExerciseError` (an ``AssertionError``) that says on which input
  the answer went wrong, what was expected and what to look at.

>>> def my_order(root):
...     raise NotImplementedError
>>> check_topological_order(my_order)
check_topological_order: not attempted yet (the function still raises NotImplementedError)

The checkers live by notebook in ``foundations`` (1 to 4), ``training`` (5 to 8) and
``deep`` (9 to 13); what they share in ``checking``.

May import: its own modules. Nothing optional.
"""

from nn.exercises.checking import ExerciseError
from nn.exercises.deep import (
    check_backward_program,
    check_clip_by_norm,
    check_early_stopping,
    check_hessian_vector_product,
    check_newton,
    check_reused_gradient,
    check_swish,
)
from nn.exercises.foundations import (
    check_central_difference,
    check_chain_rule,
    check_log_sigmoid,
    check_neuron,
    check_topological_order,
    check_training_step,
)
from nn.exercises.training import (
    check_critical_points,
    check_cross_entropy_gradient,
    check_init,
    check_minibatches,
    check_momentum_step,
    check_softmax,
)

__all__ = [
    "ExerciseError",
    "check_backward_program",
    "check_central_difference",
    "check_chain_rule",
    "check_clip_by_norm",
    "check_critical_points",
    "check_cross_entropy_gradient",
    "check_early_stopping",
    "check_hessian_vector_product",
    "check_init",
    "check_log_sigmoid",
    "check_minibatches",
    "check_momentum_step",
    "check_neuron",
    "check_newton",
    "check_reused_gradient",
    "check_softmax",
    "check_swish",
    "check_topological_order",
    "check_training_step",
]
