"""The exercises' checkers (nn.exercises): each passes its reference solution, says "not
attempted" for the notebook's stub, and fails every wrong answer of
``tests/exercise_solutions.py`` with a message that points at the mistake."""

from __future__ import annotations

from typing import Any

import pytest
from exercise_solutions import SOLUTIONS

import nn.exercises
from nn.exercises import ExerciseError

CHECKERS = sorted(name for name in nn.exercises.__all__ if name.startswith("check_"))
WRONG = [(name, wrong, hint) for name, (_, answers) in SOLUTIONS.items() for wrong, hint in answers]


def test_every_checker_has_a_solution_and_a_wrong_answer() -> None:
    assert sorted(SOLUTIONS) == CHECKERS
    assert all(answers for _, answers in SOLUTIONS.values())


@pytest.mark.parametrize("name", CHECKERS)
def test_the_solution_passes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    solution, _ = SOLUTIONS[name]
    getattr(nn.exercises, name)(solution)
    assert capsys.readouterr().out.startswith(f"{name}: correct!")


@pytest.mark.parametrize("name", CHECKERS)
def test_the_stub_is_not_attempted_yet(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    def stub(*args: Any) -> Any:
        raise NotImplementedError

    getattr(nn.exercises, name)(stub)
    assert capsys.readouterr().out.startswith(f"{name}: not attempted yet")


@pytest.mark.parametrize(
    ("name", "wrong", "hint"), WRONG, ids=[f"{name}-{wrong.__name__}" for name, wrong, _ in WRONG]
)
def test_a_wrong_answer_fails_with_a_hint(name: str, wrong: Any, hint: str) -> None:
    with pytest.raises(ExerciseError, match=None) as failure:
        getattr(nn.exercises, name)(wrong)
    assert hint in str(failure.value), str(failure.value)


def test_a_crash_in_the_answer_is_a_wrong_answer() -> None:
    def broken(a: float, b: float, c: float) -> Any:
        return 1 / 0

    with pytest.raises(
        ExerciseError, match=r"my_gradients\(2.0, -3.0, 10.0\) raised ZeroDivisionError"
    ):
        nn.exercises.check_chain_rule(broken)


def test_wrong_answers_are_assertion_errors() -> None:
    """So a notebook cell with a wrong answer stops with a red AssertionError-like box, and
    pytest-style tools count it as a failed check."""
    assert issubclass(ExerciseError, AssertionError)
