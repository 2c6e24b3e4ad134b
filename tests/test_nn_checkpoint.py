"""nn.save / nn.load: bit-exact round trips, atomic writes, corruption always detected."""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, Adam, CheckpointError, Dropout, Layer, Module, Sequential
from nn.checkpoint import _decode, load, save

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]
TMP = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@st.composite
def models(draw: st.DrawFn) -> Module:
    nin = draw(st.integers(1, 4))
    nouts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    kwargs = dict(activation=draw(st.sampled_from(ACTIVATIONS)), fused=draw(st.booleans()))
    model: Module = MLP(nin, nouts, seed=draw(st.integers(0, 2**32)), **kwargs)
    if draw(st.booleans()):
        model = Sequential(model, Dropout(0.25), Layer(nouts[-1], 2, seed=1))
    # weights anywhere in the float range, including awkward values
    weird = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
        [0.0, -0.0, 5e-324, 0.1]
    )
    for p in model.parameters():
        if draw(st.booleans()):
            p.data = draw(weird)
    return model


def first_input(model: Module) -> list[float]:
    first = model if isinstance(model, MLP) else model[0]  # type: ignore[index]
    return [0.5 - 0.25 * i for i in range(first.nin)]  # type: ignore[attr-defined]


def outputs(model: Module) -> list[float]:
    out = model.eval()(first_input(model))
    return [v.data for v in (out if isinstance(out, list) else [out])]


@TMP
@given(model=models())
def test_round_trip_is_bit_exact(tmp_path: Path, model: Module) -> None:
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    assert [bits(p.data) for p in loaded.parameters()] == [bits(p.data) for p in model.parameters()]
    assert list(loaded.state_dict()) == list(model.state_dict())
    assert [bits(v) for v in outputs(loaded)] == [bits(v) for v in outputs(model)]


def test_saved_file_is_readable_json(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    path = save(model, tmp_path / "m.json")
    document = json.loads(path.read_text())
    assert document["format"] == nn.checkpoint.FORMAT and document["version"] == 1
    assert document["payload"]["model"] == {
        "class": "MLP",
        "config": {"nin": 2, "nouts": [3, 1], "activation": "relu", "fused": False},
    }
    assert document["payload"]["state_dict"] == model.state_dict()
    assert "pickle" not in path.read_text()


@settings(max_examples=150, deadline=None)
@given(position=st.floats(0, 1, exclude_max=True), new=st.integers(0, 255))
def test_any_changed_byte_is_detected(position: float, new: int) -> None:
    data = bytearray(CHECKPOINT)
    i = int(position * len(data))
    if data[i] == new:
        new = (new + 1) % 256
    data[i] = new
    CORRUPT.write_bytes(bytes(data))
    target = MLP(2, [3, 2], seed=99)
    before = target.state_dict()
    with pytest.raises(CheckpointError):
        load(CORRUPT, model=target)
    assert target.state_dict() == before


@settings(max_examples=60, deadline=None)
@given(keep=st.floats(0, 1, exclude_max=True))
def test_truncated_file_is_detected(keep: float) -> None:
    CORRUPT.write_bytes(CHECKPOINT[: int(keep * len(CHECKPOINT))])
    with pytest.raises(CheckpointError):
        load(CORRUPT)


def test_wrong_version_and_foreign_files(tmp_path: Path) -> None:
    path = save(MLP(2, [2], seed=0), tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["version"] = 2
    path.write_text(json.dumps(document, indent=1) + "\n")
    with pytest.raises(CheckpointError, match="version 2 is not supported"):
        load(path)
    path.write_text('{"weights": [1, 2, 3]}')
    with pytest.raises(CheckpointError, match="not a chainrule checkpoint"):
        load(path)
    # a hand edit that keeps the JSON valid is caught by the checksum
    document["version"] = 1
    document["payload"]["state_dict"]["layers.0.neurons.0.b"] = 1.0
    path.write_text(json.dumps(document, indent=1) + "\n")
    with pytest.raises(CheckpointError, match="checksum does not match"):
        load(path)


def test_architecture_mismatch_leaves_model_untouched(tmp_path: Path) -> None:
    path = save(MLP(2, [3, 1], seed=0), tmp_path / "m.json")
    other = MLP(2, [4, 1], seed=1)
    before = other.state_dict()
    with pytest.raises(CheckpointError, match="missing key"):
        load(path, model=other)
    assert other.state_dict() == before


def test_optimizer_state_round_trip(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    opt = Adam(model.parameters(), lr=0.05, amsgrad=True)
    for _ in range(3):
        model.zero_grad()
        (model([1.0, 2.0]) ** 2).backward()
        opt.step()
    path = save(model, tmp_path / "m.json", optimizer=opt)
    model2 = MLP(2, [3, 1], seed=5)
    opt2 = Adam(model2.parameters())
    load(path, model=model2, optimizer=opt2)
    for m, o in ((model, opt), (model2, opt2)):  # one more identical step on both
        m.zero_grad()
        (m([1.0, 2.0]) ** 2).backward()
        o.step()
    assert model2.state_dict() == model.state_dict()
    with pytest.raises(CheckpointError, match="Adam's, not SGD's"):
        load(path, model=model2, optimizer=nn.SGD(model2.parameters(), lr=0.1))


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save(MLP(2, [2], seed=0), tmp_path / "m.json")
    good = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save(MLP(2, [2], seed=1), path)
    assert path.read_bytes() == good  # the old checkpoint is intact
    assert os.listdir(tmp_path) == ["m.json"]  # and no temporary file is left behind


def test_user_module_without_config(tmp_path: Path) -> None:
    class Scale(Module):
        def __init__(self) -> None:
            self.k = Value(3.0)

        def forward(self, x: float) -> Value:
            return self.k * x

    path = save(Scale(), tmp_path / "s.json")
    with pytest.raises(CheckpointError, match="no architecture"):
        load(path)
    target = Scale()
    target.k.data = 0.0
    assert load(path, model=target).k.data == 3.0


def test_nan_and_infinite_weights_survive(tmp_path: Path) -> None:
    model = MLP(1, [1], seed=0)
    w, b = model.parameters()
    w.data, b.data = math.nan, -math.inf
    loaded = load(save(model, tmp_path / "m.json"))
    lw, lb = loaded.parameters()
    assert math.isnan(lw.data) and lb.data == -math.inf


# one checkpoint shared by the corruption tests (hypothesis and function-scoped tmp_path
# do not mix, so these live in a module-level temporary directory)
_DIR = Path(__import__("tempfile").mkdtemp(prefix="chainrule-ckpt-"))
_model = MLP(2, [3, 2], seed=0)
_opt = Adam(_model.parameters())
CHECKPOINT = save(_model, _DIR / "good.json", optimizer=_opt).read_bytes()
CORRUPT = _DIR / "corrupt.json"


def test_every_single_byte_change_is_detected() -> None:
    """Deterministic companion of the property test: every position, four kinds of change
    (low bit flipped, ASCII case bit flipped, replaced by a space, by a tab)."""
    missed = []
    for i, old in enumerate(CHECKPOINT):
        for new in {old ^ 0x01, old ^ 0x20, 0x20, 0x09} - {old}:
            try:  # the check load() runs on the file's bytes, here without the disk
                _decode(CHECKPOINT[:i] + bytes([new]) + CHECKPOINT[i + 1 :], "corrupt")
            except CheckpointError:
                continue
            missed.append((i, new))
    assert missed == []
    assert _decode(CHECKPOINT, "good")["state_dict"] == _model.state_dict()
