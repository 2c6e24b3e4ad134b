"""nn.save / nn.load: bit-exact round trips, atomic writes, corruption always detected."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from nn import MLP, Adam, CheckpointError, Dropout, Layer, Module, Sequential
from nn.checkpoint import _checksum, _decode, _encode, load, save
from nn.optim import Optimizer

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


# -- hostile and hand-edited files (issue 10) ------------------------------------------------------
def trained() -> tuple[Module, Adam]:
    """A small model and an Adam optimizer that has taken two steps (all buffers filled)."""
    model = MLP(2, [3, 2], seed=0)
    optimizer = Adam(model.parameters(), amsgrad=True)
    for _ in range(2):
        model.zero_grad()
        sum(model([0.5, -1.0])).backward()  # type: ignore[arg-type]
        optimizer.step()
    return model, optimizer


def fingerprint(model: Module, optimizer: Optimizer) -> tuple[list[bytes], str]:
    weights = [bits(p.data) for p in model.parameters()]
    return weights, json.dumps(optimizer.state_dict(), sort_keys=True)  # nan-safe


def forge(document: dict[str, object], path: Path) -> None:
    """Write ``document`` exactly as save() would, with its checksum recomputed."""
    document["sha256"] = _checksum(document["payload"])
    path.write_text(_encode(document))


def loads_or_refuses(path: Path) -> None:
    """``load`` into a model and optimizer succeeds or raises CheckpointError; if it
    raises, both are bit for bit as they were. ``load`` of the bare file behaves the same."""
    model, optimizer = trained()
    before = fingerprint(model, optimizer)
    try:
        load(path, model=model, optimizer=optimizer)
    except CheckpointError:
        assert fingerprint(model, optimizer) == before
    with contextlib.suppress(CheckpointError):
        load(path)


HOSTILE = [
    -1, 0, 1.5, 10**400, -(10**400), "x", "NaN", None, True, [], {}, [1.0], {"a": 1},
    [[[[[[]]]]]], 1e308, -1e308, "Infinity",
]  # fmt: skip


def paths_in(obj: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path to a value inside a JSON document."""
    found = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            found += paths_in(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += paths_in(v, (*prefix, i))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_forged_checkpoints_load_or_change_nothing(data: st.DataObject) -> None:
    """The fuzzer: a value anywhere in the payload replaced by a hostile one, or a key
    removed, with the checksum recomputed (so only the content checks stand guard)."""
    document = json.loads(FORGERY_BASE)
    paths = [p for p in paths_in(document["payload"]) if p]
    path = data.draw(st.sampled_from(paths))
    parent = document["payload"]
    for key in path[:-1]:
        parent = parent[key]  # type: ignore[index]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(st.sampled_from(HOSTILE))  # type: ignore[index]
    forge(document, FORGED)
    loads_or_refuses(FORGED)


@settings(max_examples=150, deadline=None)
@given(position=st.floats(0, 1, exclude_max=True), new=st.integers(0, 255), keep=st.floats(0, 1))
def test_flipped_and_truncated_files_change_nothing(position: float, new: int, keep: float) -> None:
    data = bytearray(FORGERY_BASE.encode())
    i = int(position * len(data))
    data[i] = new if data[i] != new else (new + 1) % 256
    FORGED.write_bytes(bytes(data[: max(1, int(keep * len(data)))]))
    loads_or_refuses(FORGED)
    FORGED.write_bytes(bytes(data))
    model, optimizer = trained()
    before = fingerprint(model, optimizer)
    with pytest.raises(CheckpointError):
        load(FORGED, model=model, optimizer=optimizer)
    assert fingerprint(model, optimizer) == before


def rename(d: dict[str, Any], old: str, new: str) -> None:
    d[new] = d.pop(old)


def edited(change: Callable[[dict[str, Any]], object], tmp_path: Path) -> Path:
    model, optimizer = trained()
    path = save(model, tmp_path / "m.json", optimizer=optimizer)
    document = json.loads(path.read_text())
    change(document["payload"])
    forge(document, path)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # issue 10: each raised a bare error after the model's weights were replaced
        (lambda p: rename(p["optimizer"]["state_dict"]["state"]["0"], "exp_avg", "momentum"),
         "keeps no buffer"),
        (lambda p: p["optimizer"]["state_dict"]["state"]["0"].update(exp_avg=10**400),
         "too large for a float"),
        (lambda p: p["optimizer"]["state_dict"]["state"]["0"].update(step=-1.0),
         "'step' must be a whole number >= 0"),
        (lambda p: p["optimizer"]["state_dict"]["state"]["0"].update(exp_avg_sq=-1.0),
         "a sum of squares"),
        (lambda p: p["optimizer"]["state_dict"]["param_groups"][0].update(lr=-1.0),
         "lr must be a number >= 0"),
        (lambda p: p["optimizer"]["state_dict"].pop("state"), "must hold state and param_groups"),
        (lambda p: p["optimizer"].update(parameters=["a", "b"]), "belongs to parameters"),
        (lambda p: p["state_dict"].update({"layers.0.neurons.0.b": 10**400}), "too large"),
        (lambda p: p["state_dict"].update({"layers.0.neurons.0.b": "1.0"}), "must be a number"),
        (lambda p: p["state_dict"].update({"extra": 1.0}), "unexpected key"),
    ],
)  # fmt: skip
def test_forged_sections_are_refused_before_anything_changes(
    change: Callable[[dict[str, Any]], object], message: str, tmp_path: Path
) -> None:
    path = edited(change, tmp_path)
    model, optimizer = trained()
    model.layers[0].neurons[0].b.data = 42.0  # type: ignore[attr-defined]
    before = fingerprint(model, optimizer)
    with pytest.raises(CheckpointError, match=message):
        load(path, model=model, optimizer=optimizer)
    assert fingerprint(model, optimizer) == before


ARCHITECTURES = [
    # issue 10: AttributeError, MemoryError (a 308-byte file), RecursionError, ...
    ({"class": "Sequential", "config": {"modules": [5]}}, "must be {'class': name"),
    ({"class": "MLP", "config": {"nin": 100000000, "nouts": [100000000], "activation": "relu",
      "fused": False}}, "nin must be a whole number in"),
    ({"class": "MLP", "config": {"nin": 1000, "nouts": [1000] * 3, "activation": "relu",
      "fused": False}}, "more than 1000000 parameters and modules"),
    ({"class": "Linear", "config": {"in_features": 2, "out_features": 2, "bias": 1}},
     "bias must be true or false"),
    ({"class": "Linear", "config": {"in_features": 2, "out_features": 2}}, "missing bias"),
    ({"class": "ReLU", "config": {"inplace": True}}, "unknown 'inplace'"),
    ({"class": "LeakyReLU", "config": {"negative_slope": "NaN"}}, "must be a finite number"),
    ({"class": "Dropout", "config": {"p": 2.0}}, "p must be"),
    ({"class": "MLP", "config": {"nin": 2, "nouts": [2], "activation": "swish", "fused": False}},
     "unknown activation 'swish'"),
    ({"class": "os:system", "config": {}}, "unknown module class 'os:system'"),
    ({"class": "_Container", "config": {}}, "unknown module class '_Container'"),
    ({"class": "Sequential", "config": {"modules": [], "names": ["a"]}}, "1 names for 0"),
    ({"class": "MLP", "config": []}, "must be a dict"),
]  # fmt: skip


def checkpoint_of(architecture: object) -> dict[str, object]:
    payload = {"model": architecture, "state_dict": {}, "optimizer": None}
    return {"format": nn.checkpoint.FORMAT, "version": 1, "sha256": "", "payload": payload}


@pytest.mark.parametrize(("architecture", "message"), ARCHITECTURES)
def test_architectures_are_checked_before_anything_is_built(
    architecture: dict[str, Any], message: str, tmp_path: Path
) -> None:
    import tracemalloc

    path = tmp_path / "m.json"
    forge(checkpoint_of(architecture), path)
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=re.escape(message)):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # refused from the config, before building anything


def test_deep_nesting_and_huge_integers_are_checkpoint_errors(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    nested = {"class": "ReLU", "config": {}}
    for _ in range(40):
        nested = {"class": "Sequential", "config": {"modules": [nested]}}
    forge(checkpoint_of(nested), path)
    with pytest.raises(CheckpointError, match="nested more than 32 deep"):
        load(path)
    path.write_text(
        '{"format": "chainrule.nn checkpoint", "version": 1, "payload": ' + "[" * 100_000
    )
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load(path)
    text = save(MLP(1, [1], seed=0), path).read_text()
    path.write_text(text.replace('"version": 1', '"version": 1' + "0" * 5000))
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load(path)


def test_a_nan_gradient_checkpoint_loads_back(tmp_path: Path) -> None:
    """Issue 10: a model with one NaN gradient saved, but its optimizer state could not be
    loaded. Non-finite numbers are written as strict JSON (strings) and read back."""
    model = MLP(1, [1], seed=0)
    optimizer = Adam(model.parameters())
    model.parameters()[0].grad = math.nan
    optimizer.step()
    model.parameters()[1].data = math.inf
    path = save(model, tmp_path / "m.json", optimizer=optimizer)
    text = path.read_text()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the file"))
    assert '"NaN"' in text and '"Infinity"' in text
    twin = MLP(1, [1], seed=1)
    twin_optimizer = Adam(twin.parameters())
    load(path, model=twin, optimizer=twin_optimizer)
    assert fingerprint(twin, twin_optimizer) == fingerprint(model, optimizer)


def test_hand_edits_need_verify_false_or_reseal(tmp_path: Path) -> None:
    model, optimizer = trained()
    path = save(model, tmp_path / "m.json", optimizer=optimizer)
    document = json.loads(path.read_text())
    path.write_text(json.dumps(document))  # the same content, re-saved by json.dump
    with pytest.raises(CheckpointError, match=r"verify=False.*reseal"):
        load(path)
    document["payload"]["state_dict"]["layers.0.neurons.0.b"] = 0.5  # a deliberate edit
    path.write_text(_encode(document))  # laid out as save() writes, the old checksum
    with pytest.raises(CheckpointError, match=r"checksum does not match\)\. If you edited it"):
        load(path)
    with path.open("w") as f:
        json.dump(document, f, indent=4)
    assert load(path, verify=False).state_dict()["layers.0.neurons.0.b"] == 0.5
    nn.checkpoint.reseal(path)
    twin, twin_optimizer = trained()
    load(path, model=twin, optimizer=twin_optimizer)
    assert twin.state_dict()["layers.0.neurons.0.b"] == 0.5
    assert json.dumps(twin_optimizer.state_dict()) == json.dumps(optimizer.state_dict())


def test_an_optimizer_needs_its_model(tmp_path: Path) -> None:
    model, optimizer = trained()
    path = save(model, tmp_path / "m.json", optimizer=optimizer)
    with pytest.raises(ValueError, match="optimizer= needs model= too"):
        load(path, optimizer=optimizer)
    stranger = Adam(MLP(2, [3, 2], seed=5).parameters())
    with pytest.raises(ValueError, match="not this model's"):
        load(path, model=model, optimizer=stranger)
    with pytest.raises(ValueError, match="not this model's"):
        save(model, path, optimizer=stranger)


def test_file_mode_follows_the_umask_and_is_kept(tmp_path: Path) -> None:
    """save() chmodded every file to 0644; now a new file gets the umask's mode and an
    existing file keeps its own."""

    def save_under(umask: int, name: str) -> Path:
        old = os.umask(umask)
        try:
            return save(MLP(1, [1], seed=0), tmp_path / name)
        finally:
            os.umask(old)

    assert stat.S_IMODE(save_under(0o077, "private.json").stat().st_mode) == 0o600
    shared = save_under(0o002, "shared.json")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    os.chmod(shared, 0o640)
    save(MLP(1, [1], seed=1), shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640


def test_a_250_character_name_can_be_saved(tmp_path: Path) -> None:
    """The temporary name was longer than the target's: ENAMETOOLONG at 250 characters."""
    path = save(MLP(1, [1], seed=0), tmp_path / ("m" * 245 + ".json"))
    assert load(path).state_dict() == MLP(1, [1], seed=0).state_dict()
    assert os.listdir(tmp_path) == [path.name]


_forgery_model, _forgery_optimizer = trained()
FORGERY_BASE = save(_forgery_model, _DIR / "f.json", optimizer=_forgery_optimizer).read_text()
FORGED = _DIR / "forged.json"


def test_every_class_with_a_config_has_a_schema() -> None:
    """A new nn class that can describe itself must be loadable: build() only makes the
    classes in its schema table (checkpoints may come from anyone)."""
    from nn.architecture import _REGISTRY, _SCHEMAS

    describable = {
        name
        for name, cls in _REGISTRY.items()
        if ":" not in name and not name.startswith("_") and "config" in dir(cls)
        and any("config" in vars(k) for k in cls.__mro__ if k is not Module)
    }  # fmt: skip
    assert describable == set(_SCHEMAS)
