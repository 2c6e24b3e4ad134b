"""Shared test set-up: make sure the `autograd` under test is chainrule's."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

import autograd

ROOT = Path(__file__).resolve().parent.parent

if not hasattr(autograd, "Value") or not Path(autograd.__file__).resolve().is_relative_to(ROOT):
    pytest.exit(
        f"the imported `autograd` is not chainrule's: it comes from {autograd.__file__}. "
        "Another package named autograd (HIPS autograd on PyPI) shadows it; "
        "run the tests in a fresh virtual environment (`make test`).",
        returncode=4,
    )

settings.register_profile("ci", deadline=None, max_examples=200)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
