"""The step-through's HTML slider in a real browser: headless Chromium, from a file.

The page is what Jupyter saves as the output of ``step_through``: it must step through
every frame with no kernel, no network and nothing but itself, and show every frame one
under another where scripts do not run. Skipped, saying so, without Chromium.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Chromium, Page, chromium_path
from drawing_helpers import lecture_neuron

from autograd.draw import step_through

pytestmark = [
    pytest.mark.skipif(
        chromium_path() is None, reason="chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.slow,
]

VISIBLE = "[...document.querySelectorAll('.chainrule-frame')].filter(f => !f.hidden)"
SHOWN = f"{VISIBLE}.map(f => Number(f.dataset.step))"
SHOWN_TEXT = f"{VISIBLE}.map(f => f.textContent.replace(/\\s+/g, ' ')).join('')"
WHERE = "document.querySelector('.chainrule-where').textContent"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def changed(a: Path, b: Path) -> float:
    """The fraction of pixels that differ between two screenshots."""
    image = pytest.importorskip("PIL.Image", reason="comparing screenshots needs Pillow")
    chops = pytest.importorskip("PIL.ImageChops")
    first, second = (image.open(p).convert("RGB") for p in (a, b))
    assert first.size == second.size
    differ = chops.difference(first, second).convert("L").point(lambda v: 255 if v else 0)
    return differ.histogram()[255] / (first.width * first.height)


def wait_until(page: Page, expression: str, seconds: float = 60) -> Any:
    """Poll until ``expression`` is truthy (no time limit is asserted: the machine is shared)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never true: {expression}")


def test_the_slider_shows_one_frame_and_moves_to_the_one_asked_for(
    browser: Chromium, tmp_path: Path
) -> None:
    frames = step_through(lecture_neuron(), forward=True)
    path = Path(frames.save_html(tmp_path / "backprop.html"))
    page = browser.open(path.as_uri())
    assert page.evaluate(SHOWN) == [1] and page.evaluate(WHERE) == "step 1 of 10"
    first = page.evaluate(SHOWN_TEXT)
    assert "forward 1/5" in first and "backward" not in first
    page.screenshot(tmp_path / "step1.png")

    page.evaluate(
        "(() => { const s = document.querySelector('input[type=range]');"
        " s.value = 7; s.dispatchEvent(new Event('input')); })()"
    )
    assert page.evaluate(SHOWN) == [8] and page.evaluate(WHERE) == "step 8 of 10"
    eighth = page.evaluate(SHOWN_TEXT)
    assert "backward 3/5" in eighth and eighth != first
    page.screenshot(tmp_path / "step8.png")
    assert changed(tmp_path / "step1.png", tmp_path / "step8.png") > 0.001

    page.evaluate("document.querySelector('button[title=\"next step\"]').click()")
    assert page.evaluate(SHOWN) == [9]
    page.evaluate("document.querySelector('button[title=\"previous step\"]').click()")
    page.evaluate(
        "document.querySelector('.chainrule-steps').dispatchEvent("
        "new KeyboardEvent('keydown', {key: 'ArrowLeft', bubbles: true}))"
    )
    assert page.evaluate(SHOWN) == [7]
    assert page.console_errors() == []
    assert page.requests() == [path.as_uri()]  # the page itself, nothing else


def test_play_runs_to_the_last_frame_at_the_speed_asked_for(
    browser: Chromium, tmp_path: Path
) -> None:
    frames = step_through(lecture_neuron(), interval=40)
    page = browser.open(Path(frames.save_html(tmp_path / "play.html")).as_uri())
    assert page.evaluate("Number(document.querySelector('input[type=number]').value)") == 40
    page.evaluate(  # record every frame shown, to see that play visits each one in turn
        "window.seen = []; new MutationObserver(() => window.seen.push("
        f"{SHOWN}[0])).observe(document.querySelector('.chainrule-frames'),"
        " {attributes: true, subtree: true, attributeFilter: ['hidden']})"
    )
    page.evaluate("document.querySelector('button[title=\"play the steps\"]').click()")
    wait_until(page, f"{WHERE} === 'step 5 of 5'")
    seen = [k for k in page.evaluate("window.seen") if k is not None]
    assert sorted(set(seen)) == [2, 3, 4, 5] and seen == sorted(seen)
    assert wait_until(page, "document.querySelector('button[title=\"play the steps\"]')"
                      ".textContent.includes('play')")  # fmt: skip
    assert page.console_errors() == []


def test_without_scripts_every_frame_shows_one_under_another(
    browser: Chromium, tmp_path: Path
) -> None:
    frames = step_through(lecture_neuron())
    page = browser.open(Path(frames.save_html(tmp_path / "static.html")).as_uri(), scripts=False)
    assert page.evaluate(SHOWN) == [1, 2, 3, 4, 5]
    assert page.evaluate("document.querySelectorAll('input, button').length") == 0


def test_a_notebooks_saved_output_steps_through_with_no_kernel(
    browser: Chromium, tmp_path: Path
) -> None:
    """Run a notebook in a real kernel, keep its saved output, close the kernel, and open
    the output as an exported notebook would show it: the slider still works."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    code = (
        "from autograd import Value\n"
        "from autograd.draw import step_through\n"
        "x, w = Value(2.0, label='x'), Value(-3.0, label='w')\n"
        "step_through((x * w).tanh(), interval=300)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    (output,) = notebook.cells[0].outputs
    saved = output["data"]["text/html"]
    assert saved.count('class="chainrule-frame"') == 2 and saved.count("<svg") == 2
    page_path = tmp_path / "exported.html"
    page_path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{saved}</body></html>",
        encoding="utf-8",
    )
    page = browser.open(page_path.as_uri())
    assert page.evaluate(SHOWN) == [1]
    page.evaluate("document.querySelector('button[title=\"next step\"]').click()")
    assert page.evaluate(SHOWN) == [2] and "backward 2/2" in page.evaluate(SHOWN_TEXT)
    assert page.console_errors() == []


def test_two_sliders_on_one_page_step_on_their_own(browser: Chromium, tmp_path: Path) -> None:
    frames = step_through(lecture_neuron())
    page_path = tmp_path / "two.html"
    body = frames._repr_html_() + frames._repr_html_()  # as two outputs of one notebook
    page_path.write_text(f"<!DOCTYPE html><meta charset='utf-8'><body>{body}</body>", "utf-8")
    page = browser.open(page_path.as_uri())
    per_slider = (
        "[...document.querySelectorAll('.chainrule-steps')].map(s => [...s.querySelectorAll("
        "'.chainrule-frame')].filter(f => !f.hidden).map(f => Number(f.dataset.step)))"
    )
    assert page.evaluate(per_slider) == [[1], [1]]
    page.evaluate("document.querySelectorAll('button[title=\"next step\"]')[1].click()")
    assert page.evaluate(per_slider) == [[1], [2]]
    assert page.console_errors() == []
