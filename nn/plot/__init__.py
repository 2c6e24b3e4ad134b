"""Figures for a lecture hall: one style, legends beside the data, a training-history plot
and a decision map.

``projector_style()`` sets matplotlib up for a projector: no text under 14 pt at the
figure's size, thick lines, the Okabe-Ito colours (told apart with every common kind of
colour blindness) and a layout that makes room for legends placed outside the data by
:func:`legend`. Call it once at the top of a notebook, or use it as a context manager
for one figure. :func:`plot_history` draws what ``fit`` returns, :func:`plot_points` a
labelled data set and :func:`plot_decision_boundary` what a classifier learned; each
follows matplotlib's ``ax=`` convention and returns the Axes.

matplotlib is optional (the ``notebook`` extra): it is imported when a function is
called, never when this module is imported.

The style and legends are in ``style``, the history in ``history``, points and maps in
``maps``.

May import: its own modules; matplotlib and numpy inside functions only.
"""

from nn.plot.history import plot_history
from nn.plot.maps import plot_decision_boundary, plot_points
from nn.plot.style import MIN_FONT_SIZE, OKABE_ITO, legend, projector_style

__all__ = [
    "MIN_FONT_SIZE",
    "OKABE_ITO",
    "legend",
    "plot_decision_boundary",
    "plot_history",
    "plot_points",
    "projector_style",
]
