"""The renderer lookup's old address: re-exports :mod:`autograd.draw.render`, its home now.

To change what drawings use (a test without a renderer), patch ``autograd.draw.render``.

Imports: :mod:`autograd.draw.render`.
"""

from autograd.draw.render import *  # noqa: F403
from autograd.draw.render import __all__ as __all__
