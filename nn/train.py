"""``fit``: a training loop with mini-batches, validation, early stopping and a progress bar.

>>> from nn import MLP, datasets
>>> X, y = datasets.make_moons(40, noise=0.1, seed=0)
>>> model = MLP(2, [8, 1], seed=0, fused=True)
>>> history = fit(model, X, [2 * t - 1 for t in y], loss="hinge", epochs=5, progress=False)
>>> len(history.loss), history.epochs
(5, 5)

May import: ``autograd`` (its public API and ``autograd.interrupts``), ``nn.checks``,
``nn.compiled``, ``nn.history``, ``nn.losses``, ``nn.module``, ``nn.optim``, ``nn.progress``
and ``nn.utils``.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Sequence
from typing import Any

from autograd import Value, no_grad
from autograd.interrupts import deferred_interrupts
from nn import checks
from nn.compiled import CompiledStep
from nn.history import History
from nn.losses import AccuracyFn, LossFn, resolve_loss
from nn.module import Module
from nn.optim import Adam, Optimizer
from nn.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from nn.utils import clip_grad_norm_

__all__ = ["History", "evaluate", "fit"]


def _check_data(X: Sequence[Any], y: Sequence[Any], where: str) -> None:
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:  # not `not X`: X may be a numpy array
        raise ValueError(f"{where}: no samples")


def _run(
    model: Module, X: Sequence[Any], y: Sequence[Any], loss_fn: LossFn
) -> tuple[Value, list[Any]]:
    """The loss on (X, y) and the model's outputs."""
    outputs = [model(x) for x in X]
    return loss_fn(outputs, list(y)), outputs


def _accuracy(outputs: list[Any], y: Sequence[Any], right: AccuracyFn | None) -> float | None:
    if right is None:
        return None
    return sum(bool(right(out, t)) for out, t in zip(outputs, y)) / len(y)


def evaluate(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    loss: str | LossFn,
    accuracy: AccuracyFn | None = None,
) -> tuple[float, float | None]:
    """(mean loss, accuracy) of ``model`` on (X, y), in eval mode and without a graph."""
    loss_fn, right = resolve_loss(loss, accuracy)
    _check_data(X, y, "evaluate")
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            value, outputs = _run(model, X, y, loss_fn)
    finally:
        model.train(was_training)
    return value.data, _accuracy(outputs, y, right)


def fit(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    *,
    loss: str | LossFn,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_data: tuple[Sequence[Any], Sequence[Any]] | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    restore_best: bool = True,
    scheduler: LRScheduler | None = None,
    l2: float = 0.0,
    max_grad_norm: float | None = None,
    accuracy: AccuracyFn | None = None,
    progress: bool = True,
    compile: bool = False,
) -> History:
    """Train ``model`` on (X, y) and return the per-epoch :class:`History`.

    Each epoch visits the samples in mini-batches of ``batch_size`` (all at once if None),
    shuffled with ``seed`` (without one, with Python's global ``random``, so
    ``random.seed(0)`` makes a script reproducible); per batch: forward, ``loss``
    (+ ``l2`` * sum of squared parameters, micrograd's regularisation), backward, optional
    gradient clipping to ``max_grad_norm``, ``optimizer.step()`` (default
    ``Adam(lr=0.01)``). After each epoch ``validation_data`` = (X_val, y_val) is
    evaluated and ``scheduler.step()`` runs (``ReduceLROnPlateau`` gets the monitored loss).

    ``loss`` is a loss function or a name: "hinge" (labels -1/+1), "bce_with_logits",
    "bce" (labels 0/1), "cross_entropy" (class indices), "mse". Accuracy follows from it
    (or pass ``accuracy(output, target) -> bool``). Recorded losses exclude the l2 term.

    With ``patience``, training stops after that many epochs without the monitored loss
    (validation loss if given, else training loss) improving by more than ``min_delta``,
    and with ``restore_best`` the best weights are put back: those the best validation
    loss was measured on (the end of that epoch), or for the training loss, which is
    measured while the epoch trains, the weights the epoch started from. ``progress``
    shows a tqdm bar (in a terminal, or in Jupyter one that a saved notebook keeps as it ended:
    ``nn.progress``).

    A loss or gradient that is nan or inf stops training with a FloatingPointError naming
    the epoch and the batch, before that batch's step: the model keeps the weights of the
    last step taken (the History so far is the error's ``history``).

    With ``compile=True`` each batch runs as a traced program over floats instead of a
    graph of Values (:mod:`nn.compiled`): the same losses and weights (for an MLP, to the
    last bit), several times faster. It needs a loss whose path depends on the data only
    through the target's few values (a classification loss), and no Dropout.

    Ctrl-C (Jupyter's stop button) ends training at a step boundary: every optimizer step
    is applied whole or not at all, and ``fit`` returns the History of the epochs that
    finished, with ``history.interrupted`` True, so a notebook cell still shows its curve.
    The model keeps the weights of the last step (the best weights are not put back: they
    are in ``history.best_state``).
    """
    from nn.progress import progress_bar

    where = "fit"
    loss_fn, right = resolve_loss(loss, accuracy)
    _check_data(X, y, where)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)):
            got = checks.kind(validation_data)
            raise TypeError(f"fit: validation_data must be a pair (X_val, y_val), got {got}")
        if len(validation_data) != 2:
            raise ValueError(
                "fit: validation_data must be a pair (X_val, y_val), got a "
                f"{type(validation_data).__name__} of {len(validation_data)}"
            )
        _check_data(*validation_data, "fit: validation_data")
    epochs = checks.positive_int(epochs, "epochs", where)
    size = len(X) if batch_size is None else checks.positive_int(batch_size, "batch_size", where)
    shuffle = checks.boolean(shuffle, "shuffle", where)
    if patience is not None:
        patience = checks.positive_int(patience, "patience", where)
    min_delta = checks.number(min_delta, "min_delta", where, low=0.0)
    restore_best = checks.boolean(restore_best, "restore_best", where)
    l2 = checks.number(l2, "l2", where, low=0.0)
    if max_grad_norm is not None:
        max_grad_norm = checks.number(max_grad_norm, "max_grad_norm", where, low=0.0)
    progress = checks.boolean(progress, "progress", where)
    compile = checks.boolean(compile, "compile", where)
    rng: Any = random if seed is None else random.Random(checks.integer(seed, "seed", where))
    params = model.parameters()
    optimizer = _check_optimizer(optimizer, params)
    if scheduler is not None:
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(
                f"fit: scheduler must be an nn.optim scheduler, got {checks.kind(scheduler)}"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                "fit: the scheduler belongs to another optimizer than the one fit uses"
            )

    compiled = CompiledStep(model, loss_fn, params, X) if compile else None
    history = History()
    best, waited = math.inf, 0
    if patience is not None:
        history.best_state = model.state_dict()
    batches = math.ceil(len(X) / size)
    was_training = model.training
    bar = None
    try:  # from here on, Ctrl-C returns the History (before any step, an empty one)
        model.train()
        bar = progress_bar(
            range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True
        )
        for epoch in bar:
            order = list(range(len(X)))
            if shuffle:
                rng.shuffle(order)
            start_state = model.state_dict() if patience is not None else None
            lr = float(optimizer.param_groups[0]["lr"])
            total_loss, outputs_all, targets_all = 0.0, [], []
            for b, start in enumerate(range(0, len(order), size)):
                batch = order[start : start + size]
                yb = [y[i] for i in batch]
                if compiled is not None:  # the same numbers, from a program over floats
                    loss_value, outputs = compiled(batch, y, l2)
                else:
                    value, outputs = _run(model, [X[i] for i in batch], yb, loss_fn)
                    loss_value = value.data
                if not math.isfinite(loss_value):
                    raise _not_finite(f"the loss is {loss_value}", epoch, b, batches, lr, history)
                if compiled is None:
                    objective = value + l2 * sum(p * p for p in params) if l2 else value
                    optimizer.zero_grad()
                    objective.backward()
                if max_grad_norm is not None:
                    clip_grad_norm_(params, max_grad_norm)
                bad = next((p for p in params if not math.isfinite(p.grad)), None)
                if bad is not None:
                    name = next(n for n, p in model.named_parameters() if p is bad)
                    what = f"the gradient of {name} is {bad.grad} (the loss is {loss_value})"
                    raise _not_finite(what, epoch, b, batches, lr, history)
                _step(model, optimizer, params, history, (epoch, b, batches, lr))
                total_loss += loss_value * len(batch)
                outputs_all += outputs
                targets_all += yb
            val_loss, val_accuracy = (
                evaluate(model, *validation_data, loss_fn, right)
                if validation_data is not None
                else (None, None)
            )
            with deferred_interrupts():  # the epoch's record, all of it or none
                history.loss.append(total_loss / len(X))
                history.accuracy.append(_accuracy(outputs_all, targets_all, right))
                history.lr.append(lr)
                if val_loss is not None:
                    history.val_loss.append(val_loss)
                    history.val_accuracy.append(val_accuracy)
                monitored = history.loss[-1] if val_loss is None else val_loss
                if isinstance(scheduler, ReduceLROnPlateau):
                    scheduler.step(monitored)
                elif scheduler is not None:
                    scheduler.step()
                if monitored < best - min_delta:
                    best, waited = monitored, 0
                    history.best_epoch = epoch + 1
                    if patience is not None:
                        history.best_state = start_state if val_loss is None else model.state_dict()
                else:
                    waited += 1
                    history.stopped_early = patience is not None and waited >= patience
            bar.set_postfix(_postfix(history), refresh=False)
            if history.stopped_early:
                break
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        if bar is not None:
            bar.close()
        model.train(was_training)
    if history.interrupted:
        print(
            f"fit: interrupted after {history.epochs} epoch(s) and {history.steps} step(s); "
            "returning the History so far (history.interrupted is True)",
            file=sys.stderr,
        )
    elif patience is not None and restore_best and history.best_state is not None:
        with deferred_interrupts():  # all the best weights, or none
            model.load_state_dict(history.best_state)
    return history


def _step(
    model: Module,
    optimizer: Optimizer,
    params: list[Value],
    history: History,
    at: tuple[int, int, int, float],
) -> None:
    """One optimizer step, counted; a step that would make a weight nan or inf is undone
    (the optimizer replaces each parameter's state dict, so a shallow copy keeps the old)."""
    before, state = [p.data for p in params], dict(optimizer.state)
    with deferred_interrupts():  # the step, its count, and its undoing: together
        optimizer.step()
        history.steps += 1
        bad = next((p for p in params if not math.isfinite(p.data)), None)
        if bad is not None:
            value = bad.data
            for p, data in zip(params, before):
                p.data = data
            optimizer.state = state
            history.steps -= 1
    if bad is not None:
        name = next(n for n, p in model.named_parameters() if p is bad)
        raise _not_finite(f"the step would make {name} {value}", *at, history)


def _check_optimizer(optimizer: Any, params: list[Value]) -> Optimizer:
    if optimizer is None:
        return Adam(params, lr=0.01)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be an nn.optim optimizer, got {checks.kind(optimizer)}"
        )
    own = set(params)
    if not any(p in own for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            "fit: the optimizer holds none of this model's parameters, so training would "
            "change nothing (was it made for another model? make it with model.parameters())"
        )
    return optimizer


def _not_finite(
    what: str, epoch: int, batch: int, batches: int, lr: float, history: History
) -> FloatingPointError:
    error = FloatingPointError(
        f"fit: {what} at epoch {epoch + 1}, batch {batch + 1} of {batches}; training stopped "
        "before this batch's step, so the model keeps the weights of the last step taken. "
        f"Try a smaller learning rate (it is {lr:g}), or find the op that made it with "
        "`with autograd.detect_anomaly(): fit(...)`"
    )
    error.history = history  # type: ignore[attr-defined]
    return error


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": history.loss[-1]}
    if history.accuracy[-1] is not None:
        shown["acc"] = history.accuracy[-1]
    if history.val_loss:
        shown["val_loss"] = history.val_loss[-1]
        if history.val_accuracy[-1] is not None:
            shown["val_acc"] = history.val_accuracy[-1]
    return {k: f"{v:.4f}" for k, v in shown.items()}
