"""Shared test set-up: the `autograd` under test must be chainrule's; hypothesis profiles;
the ``collector_off`` fixture."""

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import is_hypothesis_test, settings

import autograd

ROOT = Path(__file__).resolve().parent.parent

if not hasattr(autograd, "Value") or not Path(autograd.__file__).resolve().is_relative_to(ROOT):
    pytest.exit(
        f"the imported `autograd` is not chainrule's: it comes from {autograd.__file__}. "
        "Another package named autograd (HIPS autograd on PyPI) shadows it; "
        "run the tests in a fresh virtual environment (`make test`).",
        returncode=4,
    )

# Hypothesis profiles; HYPOTHESIS_PROFILE picks one, and without it (CI, `make test`, a
# plain `pytest`) it is "ci": the same examples on every run and every machine, and no
# example database, so neither a lucky seed nor a failure stored by an earlier run decides
# the outcome. `make fuzz` runs "fuzz": fresh randomness, FUZZ_FACTOR times the examples,
# and the database in .hypothesis/, so a failure it finds is tried first on the next fuzz.
settings.register_profile(
    "ci", deadline=None, max_examples=200, derandomize=True, database=None, print_blob=True
)
settings.register_profile("fuzz", deadline=None, max_examples=200, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under "fuzz", each property test runs FUZZ_FACTOR (default 10) times its examples,
    those that set max_examples themselves too. Hypothesis has no such multiplier, so this
    replaces the settings that @given keeps on the test function."""
    if settings.get_current_profile_name() != "fuzz":
        return
    factor = os.environ.get("FUZZ_FACTOR", "10")
    if not factor.isdigit() or int(factor) < 1:
        raise pytest.UsageError(f"FUZZ_FACTOR must be a whole number of at least 1, not {factor!r}")
    tests = {id(f): f for item in items if is_hypothesis_test(f := getattr(item, "obj", None))}
    for test in tests.values():
        test = getattr(test, "__func__", test)  # a method: its function holds the settings
        used = test._hypothesis_internal_use_settings
        test._hypothesis_internal_use_settings = settings(
            used, max_examples=used.max_examples * int(factor)
        )


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The cyclic garbage collector off for one test: what reference counting alone frees
    (chainrule's graphs, but not micrograd's closures) is freed at once."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
