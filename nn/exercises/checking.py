"""What every checker shares: the verdict it prints, running the student's code, comparing
numbers.

May import: ``autograd`` and the standard library.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

from autograd import Value

__all__ = ["ExerciseError", "NotAttempted", "call", "checker", "close", "number", "short"]

F = TypeVar("F", bound=Callable[..., None])


class ExerciseError(AssertionError):
    """A wrong answer to an exercise; the message says what went wrong and what to try."""


class NotAttempted(Exception):
    """The student's function is still the stub."""


def call(name: str, fn: Callable[..., Any], *args: Any, hint: str = "") -> Any:
    """Run the student's code: its stub means "not attempted", any other error is wrong
    (``hint`` says what usually causes one)."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise NotAttempted from None
    except ExerciseError:
        raise
    except Exception as error:
        shown = ", ".join(short(a) for a in args)
        message = f"{name}({shown}) raised {type(error).__name__}: {error}"
        raise ExerciseError(f"{message}. {hint}" if hint else message) from error


def short(x: Any) -> str:
    text = f"Value({x.data!r})" if isinstance(x, Value) else repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def checker(success: str) -> Callable[[F], F]:
    """Turn a function that raises ExerciseError on a wrong answer into a checker that
    prints its verdict (and returns nothing, so a notebook cell shows only the verdict)."""

    def wrap(check: F) -> F:
        @functools.wraps(check)
        def checker(*args: Any, **kwargs: Any) -> None:
            try:
                check(*args, **kwargs)
            except NotAttempted:
                print(
                    f"{check.__name__}: not attempted yet "
                    "(the function still raises NotImplementedError)"
                )
                return
            print(f"{check.__name__}: correct! {success}")

        return checker  # type: ignore[return-value]

    return wrap


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def number(name: str, x: Any, what: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ExerciseError(f"{name} should give {what} as a number, got {short(x)}")
    return float(x)
