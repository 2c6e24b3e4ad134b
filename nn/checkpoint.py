"""``save`` and ``load``: a model (architecture + weights, optionally optimizer state) as JSON.

The file is plain JSON a student can open: a header (format, version, SHA-256 checksum)
and a payload with the architecture (``{"class": "MLP", "config": {...}}``), the weights
by dotted name and the optimizer's ``state_dict``. Floats are written with ``repr``,
which Python reads back bit-exact. Never pickle: loading a file runs no code from it.

Writing is atomic (a temporary file in the same directory, then ``os.replace``), so a
crash never leaves half a checkpoint. Reading checks that the file is exactly what
``save`` writes and that the checksum matches, so a truncated or corrupted file (any
byte changed) raises :class:`CheckpointError`, and the model is left untouched.

>>> import tempfile, os
>>> from nn import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> _ = save(model, path)
>>> load(path).state_dict() == model.state_dict()
True
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from nn.module import Module, build, describe
from nn.optim import Optimizer

__all__ = ["FORMAT", "VERSION", "CheckpointError", "load", "read", "save"]

FORMAT = "chainrule.nn checkpoint"
VERSION = 1
_KEYS = ["format", "version", "sha256", "payload"]


class CheckpointError(ValueError):
    """A checkpoint file that is truncated, corrupted, of another version or inconsistent."""


def _encode(document: dict[str, Any]) -> str:
    """The one way a checkpoint is written (``load`` insists the file is exactly this)."""
    return json.dumps(document, indent=1, ensure_ascii=True) + "\n"


def _checksum(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def save(model: Module, path: str | os.PathLike[str], optimizer: Optimizer | None = None) -> Path:
    """Write ``model`` (and ``optimizer``'s state, if given) to ``path`` atomically.

    A model whose class has no ``config()`` is saved with its weights only; load it into
    a model you build: ``load(path, model=...)``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"save: model must be an nn.Module, got {type(model).__name__}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"save: optimizer must be an nn.optim optimizer, got {optimizer!r}")
    try:
        architecture: dict[str, Any] | None = describe(model)
    except NotImplementedError:
        architecture = None
    payload = {
        "model": architecture,
        "state_dict": model.state_dict(),
        "optimizer": None
        if optimizer is None
        else {"class": type(optimizer).__name__, "state_dict": optimizer.state_dict()},
    }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "sha256": _checksum(payload),
        "payload": payload,
    }
    text = _encode(document)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The verified payload of a checkpoint (architecture, weights, optimizer state)."""
    return _decode(Path(path).read_bytes(), str(path))


def _decode(raw: bytes, where: str) -> dict[str, Any]:
    """Check the bytes of a checkpoint file and return its payload."""
    try:
        text = raw.decode("ascii")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(
            f"{where}: not a readable checkpoint (truncated or corrupted): {error}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"{where}: not a chainrule checkpoint (no format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise CheckpointError(
            f"{where}: checkpoint version {document.get('version')!r} is not supported "
            f"(this chainrule reads version {VERSION})"
        )
    if list(document) != _KEYS or _encode(document) != text:
        raise CheckpointError(f"{where}: corrupted (the file is not exactly what save() writes)")
    if _checksum(document["payload"]) != document["sha256"]:
        raise CheckpointError(f"{where}: corrupted (the SHA-256 checksum does not match)")
    payload = document["payload"]
    if (
        not isinstance(payload, dict)
        or list(payload) != ["model", "state_dict", "optimizer"]
        or not isinstance(payload["state_dict"], dict)
    ):
        raise CheckpointError(f"{where}: the payload is not laid out as save() writes it")
    return payload


def load(
    path: str | os.PathLike[str],
    model: Module | None = None,
    optimizer: Optimizer | None = None,
) -> Module:
    """Read a checkpoint: rebuild its model (or fill the given ``model``) and return it.

    With ``optimizer``, its state is restored too. On any error nothing is changed.
    """
    payload = read(path)
    if model is None:
        if payload["model"] is None:
            raise CheckpointError(
                f"{path}: the checkpoint holds weights but no architecture; "
                "pass the model to fill: load(path, model=...)"
            )
        state = random.getstate()  # rebuilding draws initial weights: keep the user's stream
        try:
            model = build(payload["model"])
        except (TypeError, ValueError, KeyError) as error:
            raise CheckpointError(f"{path}: cannot rebuild the model: {error}") from None
        finally:
            random.setstate(state)
    saved_optimizer = payload["optimizer"]
    if optimizer is not None:
        if saved_optimizer is None:
            raise CheckpointError(f"{path}: the checkpoint holds no optimizer state")
        if saved_optimizer.get("class") != type(optimizer).__name__:
            raise CheckpointError(
                f"{path}: the optimizer state is {saved_optimizer.get('class')}'s, "
                f"not {type(optimizer).__name__}'s"
            )
    before = model.state_dict()
    try:
        model.load_state_dict(payload["state_dict"])
        if optimizer is not None:
            optimizer.load_state_dict(saved_optimizer["state_dict"])
    except (RuntimeError, TypeError, ValueError) as error:
        model.load_state_dict(before)  # leave the model as it was
        raise CheckpointError(f"{path}: does not fit this model: {error}") from None
    return model
