"""Escaping: user text made safe for Graphviz's HTML-like labels, and DOT attribute lists.

User text (a Value's label, a title, a module's name) reaches the DOT only through
:func:`escape`, inside an HTML-like label ``<...>``: nothing in it can end the label, start
a statement or make Graphviz substitute a name. Node IDs never hold user text.

Imports nothing of ours: the standard library only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

__all__ = ["attr_list", "escape", "html_label", "table"]

# Control characters shown as their Unicode "control pictures" (U+2400...): XML, and so
# Graphviz's HTML-like labels, cannot hold them, and a reader should see that they are there.
_VISIBLE = {c: 0x2400 + c for c in range(32) if c != 10} | {0x7F: 0x2421}
_VISIBLE |= {0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}  # not characters at all in XML

# Line breaks as str.splitlines sees them (a trailing one kept): each starts a new line.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def escape(text: str) -> str:
    r"""User text as HTML-like label content: escaped, control characters made visible,
    line breaks as ``<br/>``. Nothing in it can end the label or inject DOT.

    Backslashes are doubled: Graphviz expands ``\N``, ``\G``, ... (node name, graph name)
    even in HTML-like labels, after decoding entities, and turns ``\\`` into one backslash.

    >>> table = ["w1", "a<b>c", "Tom & Jerry", '"q"', "it's", "two\nlines", "win\r\nend",
    ...          "C:\\dir", "\\N", "bell\x07", "del\x7f", "tab\there", "\ufffe", "<br/>", "]"]
    >>> for text in table:
    ...     print(f"{text!r:16} {escape(text)}")
    'w1'             w1
    'a<b>c'          a&lt;b&gt;c
    'Tom & Jerry'    Tom &amp; Jerry
    '"q"'            &quot;q&quot;
    "it's"           it&#x27;s
    'two\nlines'     two<br/>lines
    'win\r\nend'     win<br/>end
    'C:\\dir'        C:\\dir
    '\\N'            \\N
    'bell\x07'       bell␇
    'del\x7f'        del␡
    'tab\there'      tab␉here
    '\ufffe'         �
    '<br/>'          &lt;br/&gt;
    ']'              &#93;
    """
    lines = _LINE_BREAK.split(text.replace("\\", "\\\\"))
    # "]" as a character reference: Graphviz 2.43's dot rejects a label whose text is "]"
    return "<br/>".join(
        html.escape(line.translate(_VISIBLE), quote=True).replace("]", "&#93;") for line in lines
    )


def html_label(text: str) -> str:
    r"""User text as a whole HTML-like label value.

    >>> print(html_label("x > 0"), html_label(""), html_label("a\nb"))
    <x &gt; 0> <> <a<br/>b>
    """
    return f"<{escape(text)}>"


def table(cells: list[str], vertical: bool = False) -> str:
    """Cells (already escaped) side by side, separated by rules, as micrograd's records.

    >>> print(table(["<b>x</b>", "data 2.000"]))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="3" columns="*"><tr><td><b>x</b></td><td>data 2.000</td></tr></table>>
    >>> print(table(["a", "b"], vertical=True))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="3" rows="*"><tr><td>a</td></tr><tr><td>b</td></tr></table>>
    """  # noqa: E501
    if vertical:
        rows = "".join(f"<tr><td>{cell}</td></tr>" for cell in cells)
    else:
        rows = "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
    rules = "rows" if vertical else "columns"
    return (
        f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="3" {rules}="*">'
        f"{rows}</table>>"
    )


def attr_list(attrs: Mapping[str, str]) -> str:
    """A DOT attribute list. Values are ours (colours, numbers) or HTML labels ``<...>``:
    an HTML label goes in as it is, anything else in double quotes.

    >>> print(attr_list({"color": "#d62728", "penwidth": "3", "label": "<x &gt; 0>"}))
    [color="#d62728", penwidth="3", label=<x &gt; 0>]
    >>> print(attr_list({}))
    []
    """
    items = (f"{k}={v}" if v.startswith("<") else f'{k}="{v}"' for k, v in attrs.items())
    return "[" + ", ".join(items) + "]"
