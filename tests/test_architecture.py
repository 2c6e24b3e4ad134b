"""The habits that keep the code projectable and its layers clean (issue 11).

- The core a lecture projects (``autograd/engine.py``: Value, the node factory, the graph
  walk and the reference backward loop) stays within a line budget, as tinygrad keeps one
  in CI, and the op table in ``autograd/rules.py`` is one line per op.
- ``autograd`` imports nothing from ``nn`` (the lower package never depends on the higher).
- Every module says in its docstring what it is for and what it may import.
- No source file in ``autograd/`` or ``nn/`` is over 400 lines: a file a student can read
  whole, cut by job when it grows.
"""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
import tokenize
from pathlib import Path

import pytest

from autograd.rules import OPS

ROOT = Path(__file__).resolve().parent.parent
CORE_BUDGET = 160  # code lines of autograd/engine.py (micrograd's engine.py: 65)
MODULES = sorted((ROOT / "autograd").rglob("*.py")) + sorted((ROOT / "nn").rglob("*.py"))
MAX_LINES = 400  # physical lines of any one source file in autograd/ or nn/
# Files still over MAX_LINES, with why; the test turns red (strict xfail) once one fits.
OVER_MAX_LINES: dict[str, str] = {}


def code_lines(path: Path) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    source = path.read_text(encoding="utf-8")
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or 0) + 1))
    lines: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip and token.type != tokenize.ENDMARKER:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def test_code_lines_counts_what_it_should(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring\nof two lines."""\n\n# a comment\nx = 1  # code\n\n'
        'def f():\n    """Doc."""\n    return (1,\n            2)\n'
    )
    assert code_lines(sample) == 4  # x = 1, def f, and the two lines of the return


def test_the_projected_core_fits_its_line_budget() -> None:
    assert code_lines(ROOT / "autograd" / "engine.py") <= CORE_BUDGET


def test_the_op_table_is_one_entry_per_op() -> None:
    """Each built-in op is one ``Op(...)`` entry of rules.py's table, at most two lines: its
    forward function and derivative rule, then its Code for traced programs."""
    source = (ROOT / "autograd" / "rules.py").read_text(encoding="utf-8")
    start = source.index("_table(\n")
    table = ast.parse(source[start : source.index("\n)\n", start) + 2].strip())
    call = table.body[0].value  # type: ignore[attr-defined]
    names = [entry.args[0].value for entry in call.args]
    assert all(isinstance(e, ast.Call) and e.func.id == "Op" for e in call.args)
    assert sorted(names) == sorted(name for name, op in OPS.items() if op.builtin)
    assert all((e.end_lineno or 0) - e.lineno + 1 <= 2 for e in call.args)


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "autograd").rglob("*.py")), ids=lambda p: p.name)
def test_autograd_imports_nothing_from_nn(path: Path) -> None:
    assert not {m for m in imported_modules(path) if m == "nn" or m.startswith("nn.")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_for_and_what_it_may_import(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert docstring, f"{path.relative_to(ROOT)} has no docstring"
    # the text, not its examples: a doctest's ``>>> from nn import MLP`` says nothing
    prose = [
        line for line in docstring.splitlines() if not line.lstrip().startswith((">>>", "..."))
    ]
    assert "import" in "\n".join(prose).lower(), f"{path.relative_to(ROOT)}: what may it import?"


def physical_lines(path: Path) -> int:
    """Lines as ``wc -l`` counts them: the newline characters."""
    return path.read_bytes().count(b"\n")


@pytest.mark.skipif(shutil.which("wc") is None, reason="no wc to compare with")
def test_physical_lines_counts_as_wc_does(tmp_path: Path) -> None:
    unterminated = tmp_path / "unterminated.py"
    unterminated.write_text("a = 1\n\n# no newline at the end")
    files = [*MODULES, unterminated]
    counted = subprocess.run(
        ["wc", "-l", *map(str, files)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [int(line.split()[0]) for line in counted[: len(files)]] == [
        physical_lines(path) for path in files
    ]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            marks=[pytest.mark.xfail(strict=True, reason=OVER_MAX_LINES[name])]
            if (name := path.relative_to(ROOT).as_posix()) in OVER_MAX_LINES
            else [],
        )
        for path in MODULES
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_source_file_is_over_the_line_limit(path: Path) -> None:
    lines = physical_lines(path)
    assert lines <= MAX_LINES, (
        f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES}): cut it into "
        "modules by job"
    )
