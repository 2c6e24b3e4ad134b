"""What users install: the sdist and the wheel built from this checkout, the wheel installed
(not editable, no extras) into a fresh virtual environment on a PATH without Graphviz.

Built once per test session (about 5 s) and installed once (about 10 s, from pip's cache).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

import autograd

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")
# folders that caches and tools leave in a checkout; none belongs in an sdist
CACHES = {"__pycache__", ".hypothesis", ".ipynb_checkpoints", ".pytest_cache"}


def checkout_files() -> list[str]:
    """The checkout as git sees it: committed and new files, ignored ones (.venv, caches,
    egg-info) left out. In an unpacked sdist, which has no .git, every file but caches."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\0")
        return sorted(name for name in listed if name and (ROOT / name).is_file())
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.is_file() and not CACHES & set(path.relative_to(ROOT).parts)
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sdist, the wheel built from it, and the build's log.

    The build runs on a copy of the checkout's files: setuptools reads a stale
    *.egg-info/SOURCES.txt back into the sdist, so building in place can ship files
    that are long gone.
    """
    work = tmp_path_factory.mktemp("build")
    source, dist = work / "source", work / "dist"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    # PYTHONDONTWRITEBYTECODE makes setuptools warn that it skips byte-compiling
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel, "log": log}


def wheel_names(built: dict[str, Any]) -> set[str]:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        return set(wheel.namelist())


def wheel_metadata(built: dict[str, Any]) -> Any:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(wheel.read(name).decode("utf-8"))


def test_the_build_logs_no_warning(built: dict[str, Any]) -> None:
    warnings = [line for line in built["log"].splitlines() if "warning" in line.lower()]
    assert warnings == [], "\n".join(warnings)


def test_the_wheel_holds_every_module_of_the_checkout(built: dict[str, Any]) -> None:
    """Every .py file under autograd/ and nn/ (a new subpackage too), and the py.typed markers."""
    expected = {
        name
        for name in checkout_files()
        if name.split("/")[0] in PACKAGES and name.endswith((".py", "py.typed"))
    }
    assert {"autograd/py.typed", "nn/py.typed", "nn/optim/__init__.py"} <= expected
    missing = expected - wheel_names(built)
    assert not missing, (
        f"the wheel leaves out {sorted(missing)}: is each folder a package (an __init__.py) "
        "that [tool.setuptools.packages.find] in pyproject.toml includes?"
    )


def test_the_wheel_promises_only_what_users_need(built: dict[str, Any]) -> None:
    metadata = wheel_metadata(built)
    assert metadata["Version"] == autograd.__version__
    required = [Requirement(line) for line in metadata.get_all("Requires-Dist")]
    by_default = {r.name for r in required if r.marker is None or "extra" not in str(r.marker)}
    assert by_default == {"tqdm", "graphviz-pure"}  # graphviz is an extra; dev tools no extra
    (pure,) = [r for r in required if r.name == "graphviz-pure"]
    assert pure.marker is None or pure.marker.evaluate(), "graphviz-pure would skip this machine"
    extras = set(metadata.get_all("Provides-Extra"))
    assert {"notebook", "graphviz", "demo", "render"} <= extras
    assert not extras & {"dev", "test", "lint"}, "dev tools belong in [dependency-groups]"
    assert metadata["Summary"] and metadata.get_all("Classifier") and metadata["Keywords"]


def test_the_sdist_holds_what_a_packager_needs(built: dict[str, Any]) -> None:
    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    needed = {
        name
        for name in checkout_files()
        if name.split("/")[0] in {*PACKAGES, "tests", "notebooks"}
        or name in {"README.md", "LICENSE", "pyproject.toml", "MANIFEST.in", "Makefile"}
    }
    assert "tests/conftest.py" in needed and "notebooks/01_value_and_chain_rule.ipynb" in needed
    assert not needed - names, f"the sdist leaves out {sorted(needed - names)} (MANIFEST.in)"
    cached = sorted(name for name in names if CACHES & set(name.split("/")))
    assert not cached, f"the sdist holds caches: {cached}"


# Runs inside the fresh environment, with nothing but the wheel and its dependencies.
CHECK_THE_INSTALL = """
import importlib, importlib.metadata, json, pkgutil, shutil, sys
modules = []
for name in ("autograd", "nn"):
    package = importlib.import_module(name)
    modules.append(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        importlib.import_module(info.name)
        modules.append(info.name)

import autograd, nn
from autograd import Value, draw_dot
from nn import MLP, fit, make_moons
from nn.optim import Adam
from nn.optim.lr_scheduler import StepLR

X, labels = make_moons(40, noise=0.1, seed=0)
y = [2 * t - 1 for t in labels]
model = MLP(2, [8, 1], seed=0, fused=True)
optimizer = Adam(model.parameters(), lr=0.05)
history = fit(model, X, y, loss="hinge", optimizer=optimizer,
              scheduler=StepLR(optimizer, step_size=10, gamma=0.5), epochs=30, seed=0)

x, w = Value(2.0, label="x"), Value(-3.0, label="w")
out = (x * w).tanh()
out.backward()
drawing = draw_dot(out)
with open(drawing.render("graph.svg"), "rb") as svg, open(drawing.render("graph.png"), "rb") as png:
    svg, png = svg.read(), png.read()

absent = []
for extra in ("graphviz", "matplotlib", "ipywidgets", "pytest"):
    try:
        importlib.import_module(extra)
    except ImportError:
        absent.append(extra)
print(json.dumps({
    "files": [autograd.__file__, nn.__file__],
    "versions": [autograd.__version__, nn.__version__, importlib.metadata.version("chainrule")],
    "modules": modules,
    "loss": history.loss, "lr": history.lr, "accuracy": history.accuracy[-1],
    "svg": svg[:400].decode("utf-8", "replace"), "png": list(png[:8]),
    "dot": shutil.which("dot"),
    "absent": absent,
}))
"""


@pytest.fixture(scope="session")
def installed(built: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What CHECK_THE_INSTALL found in a fresh venv holding the wheel and its dependencies."""
    work = tmp_path_factory.mktemp("venv")
    venv, empty = work / "venv", work / "empty-bin"
    empty.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # this environment's pip installs into the new one (pip --python): no pip to set up there
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    install = subprocess.run([*pip, str(built["wheel"])], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    script = work / "check_the_install.py"
    script.write_text(CHECK_THE_INSTALL)
    # an empty PATH: no Graphviz program, and nothing else from this machine either
    run = subprocess.run(
        [str(python), str(script)],
        cwd=work,
        env={"PATH": str(empty), "HOME": str(work)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    found: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])
    found["venv"], found["stderr"] = venv, run.stderr
    return found


def test_the_installed_packages_come_from_the_wheel(installed: dict[str, Any]) -> None:
    for file in installed["files"]:
        assert Path(file).is_relative_to(installed["venv"]), file
    assert installed["versions"] == [autograd.__version__] * 3


def test_every_module_imports_without_extras(installed: dict[str, Any]) -> None:
    """Every module of the checkout imports in the installed wheel, which holds no extras."""
    expected = {
        name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for name in checkout_files()
        if name.split("/")[0] in PACKAGES and name.endswith(".py")
    }
    assert {"nn.optim", "nn.optim.lr_scheduler"} <= expected
    assert set(installed["modules"]) == expected
    assert installed["absent"] == ["graphviz", "matplotlib", "ipywidgets", "pytest"]


def test_a_model_trains_with_an_optimizer_and_a_scheduler(installed: dict[str, Any]) -> None:
    loss, lr = installed["loss"], installed["lr"]
    assert len(loss) == 30 and loss[-1] < loss[0] / 2, loss
    assert lr[0] == 0.05 and lr[-1] == 0.05 * 0.5**2, lr  # StepLR halved it twice
    assert installed["accuracy"] >= 0.8
    assert "fit: 100%" in installed["stderr"]  # tqdm's bar, a default dependency


def test_a_drawing_renders_with_graphviz_pure_alone(installed: dict[str, Any]) -> None:
    assert installed["dot"] is None, "a Graphviz `dot` is on the test's PATH"
    assert "(graphviz-pure)" in installed["svg"] and "<svg" in installed["svg"]
    assert bytes(installed["png"]) == b"\x89PNG\r\n\x1a\n"
