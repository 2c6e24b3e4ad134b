"""nn.to_torch: the README's student session runs, and a missing PyTorch is a clear error.
(The numerical cross-checks are in test_nn_torch_crosscheck.py.)"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest

from nn import MLP, to_torch

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(heading: str) -> str:
    """The first ```python block after ``heading`` in the README."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, f"no code block after {heading!r}"
    return match.group(1)


def test_the_readmes_session_runs_in_pytorch() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (it is optional)")
    code = readme_block("## From chainrule to PyTorch")
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["difference"] < 1e-12  # type: ignore[operator]
    assert namespace["accuracy"] > 0.9  # type: ignore[operator]
    assert "largest difference from chainrule: " in printed.getvalue()


def test_without_pytorch_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(ImportError, match=r"to_torch needs PyTorch.*pip install torch"):
        to_torch(MLP(2, [1], seed=0))


def test_only_modules_convert() -> None:
    with pytest.raises(TypeError, match=r"to_torch: model must be an nn\.Module, got list"):
        to_torch([MLP(2, [1], seed=0)])  # type: ignore[arg-type]
