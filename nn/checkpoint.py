"""``save`` and ``load``: a model (architecture + weights, optionally optimizer state) as JSON.

The file is plain JSON a student can open: a header (format, version, SHA-256 checksum)
and a payload with the architecture (``{"class": "MLP", "config": {...}}``), the weights
by dotted name and the optimizer's ``state_dict``. Floats are written with ``repr``,
which Python reads back bit-exact; nan and infinities, which strict JSON cannot write,
are the strings "NaN", "Infinity" and "-Infinity". Never pickle: loading a file runs no
code from it, and builds only chainrule's own module classes (and those of modules you
imported), each from arguments of the right types, of a bounded size, checked before
anything is built.

Writing is atomic (``autograd.files.write_atomically``), so a crash never leaves half a
checkpoint. Reading checks that the file is exactly what ``save`` writes and that the
checksum matches, so a truncated or corrupted file (any byte changed) raises
:class:`CheckpointError`; so does every other problem with the file, and on any error
the model and the optimizer are left exactly as they were. The checksum detects
accidents, not tampering (anyone can recompute it): it is no authentication. A file
edited on purpose loads with ``load(path, verify=False)``, or ``reseal(path)`` makes
it a checked checkpoint again.

>>> import tempfile, os
>>> from nn import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> _ = save(model, path)
>>> load(path).state_dict() == model.state_dict()
True

May import autograd, nn.module, nn.optim and nn.checks.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.module import MAX_SIZE, Module, build, check_description, describe
from nn.optim import Optimizer

__all__ = ["FORMAT", "VERSION", "CheckpointError", "load", "read", "reseal", "save"]

FORMAT = "chainrule.nn checkpoint"
VERSION = 1
_KEYS = ["format", "version", "sha256", "payload"]
_PAYLOAD_KEYS = ["model", "state_dict", "optimizer"]
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_HOW_TO_EDIT = (
    "If you edited it on purpose, nn.load(path, verify=False) reads it without this check "
    "and nn.checkpoint.reseal(path) seals it again"
)


class CheckpointError(ValueError):
    """A checkpoint file that is truncated, corrupted, of another version or inconsistent."""


# -- writing ------------------------------------------------------------------------------------
def _strict(x: Any) -> Any:
    """A float as strict JSON holds it: itself, or "NaN" / "Infinity" / "-Infinity"."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return x


def _strict_optimizer_state(state_dict: dict[str, Any]) -> dict[str, Any]:
    return {
        "state": {
            str(i): {k: _strict(v) for k, v in buffers.items()}
            for i, buffers in state_dict["state"].items()
        },
        "param_groups": [
            {
                k: [_strict(x) for x in v] if isinstance(v, (tuple, list)) else _strict(v)
                for k, v in group.items()
            }
            for group in state_dict["param_groups"]
        ],
    }


def _encode(document: dict[str, Any]) -> str:
    """The one way a checkpoint is written (``load`` insists the file is exactly this)."""
    return json.dumps(document, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def _checksum(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _write(path: str | os.PathLike[str], payload: dict[str, Any]) -> Path:
    document = {"format": FORMAT, "version": VERSION, "sha256": _checksum(payload)}
    document["payload"] = payload
    write_atomically(path, _encode(document).encode("ascii"))
    return Path(path)


def _parameter_names(model: Module, optimizer: Optimizer, where: str) -> list[str]:
    """The model's name of each of the optimizer's parameters, in the optimizer's order."""
    names = {p: name for name, p in model.named_parameters()}
    params = [p for group in optimizer.param_groups for p in group["params"]]
    foreign = sum(p not in names for p in params)
    if foreign:
        raise ValueError(
            f"{where}: the optimizer holds {foreign} parameter(s) that are not this model's "
            "(was it made for another model? make it with model.parameters())"
        )
    return [names[p] for p in params]


def save(model: Module, path: str | os.PathLike[str], optimizer: Optimizer | None = None) -> Path:
    """Write ``model`` (and ``optimizer``'s state, if given) to ``path`` atomically.

    A model whose class has no ``config()`` is saved with its weights only; load it into
    a model you build: ``load(path, model=...)``. A new file gets the mode your umask
    gives; an existing one keeps its mode.
    """
    if not isinstance(model, Module):
        raise TypeError(f"save: model must be an nn.Module, got {type(model).__name__}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"save: optimizer must be an nn.optim optimizer, got {checks.kind(optimizer)}"
        )
    try:
        architecture: dict[str, Any] | None = describe(model)
    except NotImplementedError:
        architecture = None
    saved_optimizer = None
    if optimizer is not None:
        saved_optimizer = {
            "class": type(optimizer).__name__,
            "parameters": _parameter_names(model, optimizer, "save"),
            "state_dict": _strict_optimizer_state(optimizer.state_dict()),
        }
    payload = {
        "model": architecture,
        "state_dict": {name: _strict(x) for name, x in model.state_dict().items()},
        "optimizer": saved_optimizer,
    }
    return _write(path, payload)


# -- reading ------------------------------------------------------------------------------------
def read(path: str | os.PathLike[str], *, verify: bool = True) -> dict[str, Any]:
    """The payload of a checkpoint (architecture, weights, optimizer state), checked
    (``verify=False`` skips the checks that reject a file edited by hand)."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CheckpointError(f"{where}: cannot read the checkpoint: {error}") from None
    return _decode(raw, where, verify=checks.boolean(verify, "verify", "load"))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not strict JSON")


def _decode(raw: bytes, where: str, verify: bool = True) -> dict[str, Any]:
    """Check the bytes of a checkpoint file and return its payload."""
    try:
        text = raw.decode("ascii")
        # strict JSON: no NaN or Infinity literals (save writes them as strings)
        document = json.loads(text, parse_constant=_refuse_constant if verify else None)
    except (ValueError, RecursionError) as error:  # bad JSON, a 5000-digit int, deep nesting
        raise CheckpointError(
            f"{where}: not a readable checkpoint (truncated or corrupted): "
            f"{checks.shown(str(error))}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"{where}: not a chainrule checkpoint (no format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise CheckpointError(
            f"{where}: checkpoint version {checks.shown(document.get('version'))} is not "
            f"supported (this chainrule reads version {VERSION})"
        )
    if verify:
        if list(document) != _KEYS or _encode(document) != text:
            raise CheckpointError(
                f"{where}: corrupted or edited (the file is not exactly what nn.save writes). "
                + _HOW_TO_EDIT
            )
        if _checksum(document["payload"]) != document["sha256"]:
            raise CheckpointError(
                f"{where}: corrupted or edited (the SHA-256 checksum does not match). "
                + _HOW_TO_EDIT
            )
    payload = document.get("payload")
    if not isinstance(payload, dict) or sorted(payload) != sorted(_PAYLOAD_KEYS):
        raise CheckpointError(f"{where}: the payload must be a dict of {', '.join(_PAYLOAD_KEYS)}")
    return payload


def _number(x: Any, where: str) -> float:
    """A weight or buffer read from the file: a finite float, or a non-finite one's name."""
    if isinstance(x, str) and x in _NON_FINITE:
        return _NON_FINITE[x]
    if isinstance(x, float) or (isinstance(x, int) and not isinstance(x, bool)):
        try:
            return float(x)
        except OverflowError:
            raise CheckpointError(f"{where} is too large for a float: {checks.shown(x)}") from None
    raise CheckpointError(f"{where} must be a number, got {checks.kind(x)}")


def _weights(state_dict: Any, where: str) -> dict[str, float]:
    if not isinstance(state_dict, dict):
        raise CheckpointError(f"{where}: the weights must be a dict of name -> number")
    return {
        name: _number(x, f"{where}: weight {checks.shown(name)}") for name, x in state_dict.items()
    }


def _optimizer_state(section: Any, where: str) -> tuple[str, list[str] | None, dict[str, Any]]:
    """(class name, parameter names, state dict with numbers decoded) of the saved optimizer."""
    if not isinstance(section, dict) or not {"class", "state_dict"} <= set(section) <= {
        "class", "parameters", "state_dict"
    }:  # fmt: skip
        raise CheckpointError(f"{where}: the optimizer section must hold 'class' and 'state_dict'")
    name, names, state_dict = section["class"], section.get("parameters"), section["state_dict"]
    if not isinstance(name, str):
        raise CheckpointError(
            f"{where}: the optimizer's class must be a name, got {checks.kind(name)}"
        )
    if names is not None and not (
        isinstance(names, list) and all(isinstance(n, str) for n in names)
    ):
        raise CheckpointError(f"{where}: the optimizer's parameters must be a list of names")
    if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
        raise CheckpointError(
            f"{where}: the optimizer's state_dict must hold state and param_groups"
        )
    state, groups = state_dict["state"], state_dict["param_groups"]
    if not isinstance(state, dict) or not isinstance(groups, list):
        raise CheckpointError(f"{where}: the optimizer's state must be a dict, its groups a list")
    decoded_state = {
        key: {k: _non_finite(v) for k, v in buffers.items()}
        if isinstance(buffers, dict)
        else buffers
        for key, buffers in state.items()
    }
    decoded_groups = [
        {
            k: [_non_finite(x) for x in v]
            if isinstance(v, list) and k != "params"
            else _non_finite(v)
            for k, v in group.items()
        }
        if isinstance(group, dict)
        else group
        for group in groups
    ]
    return name, names, {"state": decoded_state, "param_groups": decoded_groups}


def _non_finite(x: Any) -> Any:
    return _NON_FINITE.get(x, x) if isinstance(x, str) else x


def load(
    path: str | os.PathLike[str],
    model: Module | None = None,
    optimizer: Optimizer | None = None,
    *,
    verify: bool = True,
    max_size: int = MAX_SIZE,
) -> Module:
    """Read a checkpoint: rebuild its model (or fill the given ``model``) and return it.

    With ``optimizer`` (which needs ``model``: the model whose parameters it holds), its
    state is restored too. Everything in the file is checked before anything changes, and
    any problem with the file is a :class:`CheckpointError` that changes nothing.
    ``verify=False`` reads a file edited by hand. A rebuilt model has at most ``max_size``
    parameters and modules (the file says how large it is; this keeps a hostile one from
    filling the memory).
    """
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"load: model must be an nn.Module, got {checks.kind(model)}")
    if optimizer is not None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"load: optimizer must be an nn.optim optimizer, got {checks.kind(optimizer)}"
            )
        if model is None:
            raise ValueError(
                "load: optimizer= needs model= too: the optimizer holds the parameters of a "
                "model you built, so load into both: load(path, model=model, optimizer=optimizer)"
            )
    max_size = checks.positive_int(max_size, "max_size", "load")
    where = str(path)
    payload = read(path, verify=verify)
    weights = _weights(payload["state_dict"], where)
    new_optimizer_state = None
    if optimizer is not None:
        assert model is not None
        if payload["optimizer"] is None:
            raise CheckpointError(f"{where}: the checkpoint holds no optimizer state")
        name, names, state_dict = _optimizer_state(payload["optimizer"], where)
        if name != type(optimizer).__name__:
            raise CheckpointError(
                f"{where}: the optimizer state is {name[:40]}'s, not {type(optimizer).__name__}'s"
            )
        ours = _parameter_names(model, optimizer, "load")
        if names is not None and names != ours:
            raise CheckpointError(
                f"{where}: the saved optimizer state belongs to parameters "
                f"{checks.shown(names)}, this optimizer holds {checks.shown(ours)}"
            )
        try:
            new_optimizer_state = optimizer._read_state_dict(state_dict)
        except (TypeError, ValueError) as error:
            raise CheckpointError(f"{where}: the optimizer state: {error}") from None
    if model is None:
        model = _rebuild(payload["model"], where, max_size)
    try:
        with deferred_interrupts():  # the weights and the optimizer's state, together
            model.load_state_dict(weights)
            if new_optimizer_state is not None:
                assert optimizer is not None
                optimizer.state, optimizer.param_groups = new_optimizer_state
    except (RuntimeError, TypeError, ValueError) as error:  # checked before copying: unchanged
        raise CheckpointError(f"{where}: does not fit this model: {error}") from None
    return model


def _rebuild(architecture: Any, where: str, max_size: int) -> Module:
    if architecture is None:
        raise CheckpointError(
            f"{where}: the checkpoint holds weights but no architecture; "
            "pass the model to fill: load(path, model=...)"
        )
    state = random.getstate()  # rebuilding draws initial weights: keep the user's stream
    try:
        check_description(architecture, max_size)
        return build(architecture, max_size=max_size)
    except (TypeError, ValueError, KeyError) as error:
        raise CheckpointError(f"{where}: cannot rebuild the model: {error}") from None
    finally:
        random.setstate(state)


def reseal(path: str | os.PathLike[str]) -> Path:
    """Make a checkpoint edited by hand a checked one again: read it without the checks
    that reject edits, check what it holds (architecture, weights, optimizer section), and
    write it back as ``save`` would, with a new checksum."""
    where = str(path)
    payload = read(path, verify=False)
    if payload["model"] is not None:
        try:
            check_description(payload["model"])
        except ValueError as error:
            raise CheckpointError(f"{where}: {error}") from None
    weights = _weights(payload["state_dict"], where)
    sealed = {"model": payload["model"], "state_dict": {k: _strict(v) for k, v in weights.items()}}
    sealed["optimizer"] = None
    if payload["optimizer"] is not None:
        name, names, state_dict = _optimizer_state(payload["optimizer"], where)
        for key, buffers in state_dict["state"].items():
            if not isinstance(buffers, dict):
                raise CheckpointError(f"{where}: optimizer state {checks.shown(key)} is no dict")
            for k, v in buffers.items():
                _number(v, f"{where}: optimizer state {checks.shown(key)} {checks.shown(k)}")
        if not all(isinstance(group, dict) for group in state_dict["param_groups"]):
            raise CheckpointError(f"{where}: each optimizer parameter group must be a dict")
        section: dict[str, Any] = {"class": name}
        if names is not None:
            section["parameters"] = names
        section["state_dict"] = _strict_optimizer_state(state_dict)
        sealed["optimizer"] = section
    return _write(path, sealed)
