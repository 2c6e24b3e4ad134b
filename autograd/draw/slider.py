"""A step-through as one self-contained piece of HTML: every frame inlined, a slider over them.

The page needs no kernel, no network and no other file: each frame's SVG is in it, and a
short script (inline, nothing loaded) adds a slider, buttons for the previous and next
step, a play button and a speed control, and shows one frame at a time. So a notebook's
saved output, its HTML export, nbviewer and a plain browser all step through every frame.
Where scripts do not run (a viewer that strips them), the frames stand one under another.

Imports: :mod:`autograd.draw.drawing` (a frame's inline SVG).
"""

from __future__ import annotations

import hashlib
import html
import itertools
from collections.abc import Sequence

from autograd.draw.drawing import Drawing

__all__ = ["check_interval", "slider_html", "slider_page"]

_ids = itertools.count(1)  # two sliders in one notebook page need two IDs

# The controls are made by the script, so a viewer without scripts shows no dead buttons.
# %(id)s and %(interval)d are filled in; no other text of ours or the user's goes in.
_SCRIPT = """\
(function (me) {
  // this script's own box; by its ID where the page ran the script some other way
  var root = me && me.parentNode && me.parentNode.id === "%(id)s" ? me.parentNode
    : document.getElementById("%(id)s");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var frames = root.querySelectorAll(".chainrule-frame");
  var n = frames.length, current = 0, timer = null;
  var bar = document.createElement("div");
  bar.className = "chainrule-controls";
  function add(tag, props) {
    var el = document.createElement(tag);
    for (var key in props) { el[key] = props[key]; }
    bar.appendChild(el);
    return el;
  }
  var prev = add("button", {textContent: "\\u25C0", title: "previous step"});
  var play = add("button", {textContent: "\\u25B6 play", title: "play the steps"});
  var next = add("button", {textContent: "\\u25B6", title: "next step"});
  var slider = add("input", {type: "range", min: 0, max: n - 1, value: 0, step: 1});
  slider.setAttribute("aria-label", "step");
  var where = add("span", {className: "chainrule-where"});
  var speed = add("input", {type: "number", min: 50, step: 100, value: %(interval)d});
  speed.setAttribute("aria-label", "milliseconds per step");
  add("span", {textContent: "ms per step"});
  function show(i) {
    current = Math.max(0, Math.min(n - 1, i));
    for (var j = 0; j < n; j++) { frames[j].hidden = j !== current; }
    slider.value = current;
    where.textContent = "step " + (current + 1) + " of " + n;
  }
  function delay() {
    var ms = Number(speed.value);
    return ms >= 50 ? ms : %(interval)d;
  }
  function stop() {
    clearTimeout(timer);
    timer = null;
    play.textContent = "\\u25B6 play";
  }
  function tick() {
    show(current + 1);
    if (current >= n - 1) { stop(); } else { timer = setTimeout(tick, delay()); }
  }
  play.onclick = function () {
    if (timer) { stop(); return; }
    if (current >= n - 1) { show(0); }
    play.textContent = "\\u275A\\u275A pause";
    timer = setTimeout(tick, delay());
  };
  prev.onclick = function () { stop(); show(current - 1); };
  next.onclick = function () { stop(); show(current + 1); };
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  root.addEventListener("keydown", function (event) {
    if (event.target === speed) { return; }
    if (event.key === "ArrowLeft") { stop(); show(current - 1); event.preventDefault(); }
    if (event.key === "ArrowRight") { stop(); show(current + 1); event.preventDefault(); }
  });
  root.insertBefore(bar, root.querySelector(".chainrule-frames"));
  show(0);
})(document.currentScript);
"""

_STYLE = """\
#%(id)s .chainrule-controls { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center;
  font: 14px sans-serif; margin: 0.5em 0; }
#%(id)s .chainrule-controls input[type=range] { flex: 1 1 12em; }
#%(id)s .chainrule-controls input[type=number] { width: 5em; }
#%(id)s .chainrule-frame svg { max-width: 100%%; height: auto; }
"""


def check_interval(interval: object, where: str) -> float:
    """``interval``, the milliseconds each frame shows, as a positive number."""
    if isinstance(interval, bool) or not isinstance(interval, (int, float)):
        raise TypeError(
            f"{where}: interval must be a number of milliseconds, got {type(interval).__name__}"
        )
    if not interval >= 1:  # also refuses nan
        raise ValueError(f"{where}: interval must be at least 1 millisecond, got {interval!r}")
    return float(interval)


def slider_html(frames: Sequence[Drawing], interval: float) -> str:
    """The frames as one piece of HTML (for a notebook's output): each frame's SVG in a
    ``div`` of class ``chainrule-frame``, and the script that makes them a slider."""
    check_interval(interval, "step_through")
    parts = [frame._html() for frame in frames]
    digest = hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()[:10]
    values = {"id": f"chainrule-steps-{digest}-{next(_ids)}", "interval": round(interval)}
    body = "\n".join(
        f'<div class="chainrule-frame" data-step="{i}">{part}</div>'
        for i, part in enumerate(parts, 1)
    )
    return (
        f'<div class="chainrule-steps" id="{values["id"]}" tabindex="0">\n'
        f"<style>\n{_STYLE % values}</style>\n"
        f'<div class="chainrule-frames">\n{body}\n</div>\n'
        f"<script>\n{_SCRIPT % values}</script>\n</div>\n"
    )


def slider_page(frames: Sequence[Drawing], interval: float, title: str = "") -> str:
    """A whole HTML page holding :func:`slider_html`: open it in any browser, offline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title or 'backpropagation, step by step')}</title>\n"
        "</head>\n<body>\n" + slider_html(frames, interval) + "</body>\n</html>\n"
    )
