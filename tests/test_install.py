"""The import name `autograd` is shared with HIPS autograd on PyPI: a shadowing package must
stop the test run with a message that says so, never run our tests against it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_foreign_autograd_stops_the_run_with_a_clear_message(tmp_path: Path) -> None:
    fake = tmp_path / "autograd"
    fake.mkdir()
    (fake / "__init__.py").write_text('"""Not chainrule: stands in for HIPS autograd."""\n')
    # Run from tmp_path, so the stand-in comes before the installed chainrule on sys.path
    # (as a HIPS autograd installed later in site-packages could).
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(ROOT),
            "-c",
            str(ROOT / "pyproject.toml"),
            str(ROOT / "tests" / "test_smoke.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 4, run.stdout + run.stderr
    output = run.stdout + run.stderr
    assert "is not chainrule's" in output
    assert str(fake) in output  # says where the impostor comes from


def test_the_autograd_under_test_is_this_checkout() -> None:
    import autograd

    assert Path(autograd.__file__).resolve().is_relative_to(ROOT)
    assert hasattr(autograd, "Value") and hasattr(autograd, "draw_dot")
