"""nn.progress: a progress bar that a saved notebook shows as it ended.

The notebooks run for real in the python3 kernel (nbclient, as `jupyter nbconvert
--execute` does) and the saved outputs are read back: what a reader of the exported
notebook sees.
"""

from __future__ import annotations

import io
import re
from typing import Any

import nbformat
import pytest

from nn.progress import in_jupyter_kernel, progress_bar


def executed(*sources: str) -> list[list[Any]]:
    """Run code cells in a fresh python3 kernel; each cell's saved outputs."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return [cell.outputs for cell in nb.cells]


def bars(outputs: list[Any]) -> list[str]:
    """The plain-text form of every progress bar among a cell's saved outputs."""
    shown = []
    for output in outputs:
        if output.output_type == "display_data":
            shown.append(output.data.get("text/plain", ""))
        elif output.output_type == "stream":
            shown += [line for line in re.split(r"[\r\n]", output.text) if "|" in line]
    return [text for text in shown if re.search(r"\d+/\d+", text)]


@pytest.fixture(scope="module")
def notebook_outputs() -> list[list[Any]]:
    return executed(
        "from nn.progress import progress_bar, in_jupyter_kernel\n"
        "bar = progress_bar(range(40), desc='train', unit='step')\n"
        "for i in bar:\n"
        "    bar.set_postfix(loss=f'{1 / (i + 1):.3f}')\n"
        "print('kernel:', in_jupyter_kernel())",
        "for i in progress_bar(range(1000), desc='early'):\n    if i == 300:\n        break",
        "with progress_bar(total=8, desc='by hand') as bar:\n    bar.update(5)\n    bar.update(3)",
        "for _ in progress_bar(range(3), desc='<b>&', bar_format='{desc}: {n}/{total}'):\n    pass",
    )


def test_a_saved_notebook_shows_the_final_state(notebook_outputs: list[list[Any]]) -> None:
    outputs = notebook_outputs[0]
    (shown,) = bars(outputs)
    assert shown.startswith("train: 100%") and "40/40" in shown and "loss=0.025" in shown
    (html,) = [o.data["text/html"] for o in outputs if o.output_type == "display_data"]
    assert '<progress value="40" max="40"' in html and "loss=0.025" in html
    assert any(o.output_type == "stream" and "kernel: True" in o.text for o in outputs)


def test_a_bar_left_early_shows_where_it_stopped(notebook_outputs: list[list[Any]]) -> None:
    (shown,) = bars(notebook_outputs[1])
    assert "300/1000" in shown and shown.startswith("early:  30%")


def test_a_bar_updated_by_hand_shows_its_total(notebook_outputs: list[list[Any]]) -> None:
    (shown,) = bars(notebook_outputs[2])
    assert "8/8" in shown and "100%" in shown


def test_the_html_escapes_the_text(notebook_outputs: list[list[Any]]) -> None:
    """A description is text, not markup, with or without a bar in the format."""
    (output,) = [o for o in notebook_outputs[3] if o.output_type == "display_data"]
    assert output.data["text/plain"] == "<b>&: 3/3"
    assert (
        "&lt;b&gt;&amp;: 3/3" in output.data["text/html"] and "<b>" not in output.data["text/html"]
    )


def test_tqdm_auto_freezes_in_a_saved_notebook() -> None:
    """Why nn.progress exists: tqdm's widget saves its first state only (0/40), so this
    test fails if tqdm ever saves its final state itself."""
    (outputs,) = executed("from tqdm.auto import tqdm\nfor i in tqdm(range(40)):\n    pass")
    assert bars(outputs) and all(
        "0/40" in shown and "40/40" not in shown for shown in bars(outputs)
    )


def test_fit_in_a_saved_notebook_shows_its_last_epoch() -> None:
    (outputs,) = executed(
        "from nn import MLP, fit, make_moons\n"
        "X, y = make_moons(20, noise=0.1, seed=0)\n"
        "model = MLP(2, [4, 1], seed=0, fused=True)\n"
        "history = fit(model, X, y, loss='bce_with_logits', epochs=5)"
    )
    assert [shown for shown in bars(outputs) if "5/5" in shown], bars(outputs)


def test_outside_jupyter_it_is_a_text_bar() -> None:
    assert not in_jupyter_kernel()
    out = io.StringIO()
    for _ in progress_bar(range(5), desc="text", file=out, mininterval=0):
        pass
    assert out.getvalue().rstrip().split("\r")[-1].startswith("text: 100%")
    assert "5/5" in out.getvalue()


def test_a_disabled_bar_shows_nothing() -> None:
    out = io.StringIO()
    assert list(progress_bar(range(3), file=out, disable=True)) == [0, 1, 2]
    assert out.getvalue() == ""
