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

__all__ = ["TEXT_LIMIT", "attr_list", "escape", "html_label", "table"]

# Control characters shown as their Unicode "control pictures" (U+2400...): XML, and so
# Graphviz's HTML-like labels, cannot hold them, and a reader should see that they are there.
_VISIBLE = {c: 0x2400 + c for c in range(32) if c != 10} | {0x7F: 0x2421}
_VISIBLE |= {0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}  # not characters at all in XML
# A lone surrogate ("\ud800", half of a UTF-16 pair) cannot be written as UTF-8 at all.
_VISIBLE |= {c: 0xFFFD for c in range(0xD800, 0xE000)}

# Graphviz reads a label of more than 16,384 bytes as a syntax error. A longer user text is
# cut to this many characters (at most 6 bytes each once escaped) and ends in an ellipsis.
TEXT_LIMIT = 1000

# Line breaks as str.splitlines sees them (a trailing one kept): each starts a new line.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def escape(text: str) -> str:
    r"""User text as HTML-like label content: escaped, control characters made visible,
    line breaks as ``<br/>``. Nothing in it can end the label or inject DOT.

    Backslashes are doubled: Graphviz expands ``\N``, ``\G``, ... (node name, graph name)
    even in HTML-like labels, after decoding entities, and turns ``\\`` into one backslash.

    A lone surrogate becomes U+FFFD; a text longer than ``TEXT_LIMIT`` characters is cut
    and ends in "… (N more characters)".

    >>> table = ["w1", "a<b>c", "x[0]", "Tom & Jerry", '"q"', "it's", "two\nlines", "win\r\nend",
    ...          "C:\\dir", "\\N", "bell\x07", "del\x7f", "tab\there", "\ufffe", "<br/>"]
    >>> for text in table:
    ...     print(f"{text!r:16} {escape(text)}")
    'w1'             w1
    'a<b>c'          a&lt;b&gt;c
    'x[0]'           x[0&#93;
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
    >>> escape("\ud800"), escape("&" * 5000)[-30:]
    ('�', '&amp;… (4,040 more characters)')
    """
    if len(text) > TEXT_LIMIT:
        text = f"{text[: TEXT_LIMIT - 40]}… ({len(text) - TEXT_LIMIT + 40:,} more characters)"
    lines = _LINE_BREAK.split(text.replace("\\", "\\\\"))
    # "]" as a character reference: Graphviz 2.43's lexer fails on "]" before "<" or ">"
    return "<br/>".join(
        html.escape(line.translate(_VISIBLE), quote=True).replace("]", "&#93;") for line in lines
    )


def html_label(text: str) -> str:
    r"""User text as a whole HTML-like label value.

    >>> print(html_label("x > 0"), html_label(""), html_label("a\nb"))
    <x &gt; 0> <> <a<br/>b>
    """
    return f"<{escape(text)}>"


def table(
    cells: list[str], widths: list[int] | None = None, rules: bool = True, across: bool = False
) -> str:
    """Cells (already escaped) one under another, or side by side (``across``), each at
    least ``widths[i]`` points wide, with rules between them (as micrograd's records have).

    >>> print(table(["<b>x</b>", "data 2.000"], widths=[80, 80]))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="2" rows="*"><tr><td align="left" width="80"><b>x</b></td></tr><tr><td align="left" width="80">data 2.000</td></tr></table>>
    >>> print(table(["x", "data 2.000"], widths=[14, 80], across=True))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="2" columns="*"><tr><td align="left" width="14">x</td><td align="left" width="80">data 2.000</td></tr></table>>
    >>> print(table(["w0"], rules=False))
    <<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td>w0</td></tr></table>>
    """  # noqa: E501
    # Left-aligned: graphviz-pure writes each text as starting where its Helvetica width,
    # centred, would start, so a wider font grows to the right only; from the left edge it
    # grows into the room the width gives it.
    if widths is None:
        tds = [f"<td>{cell}</td>" for cell in cells]
    else:
        tds = [f'<td align="left" width="{w}">{cell}</td>' for cell, w in zip(cells, widths)]
    body = "<tr>" + "".join(tds) + "</tr>" if across else "".join(f"<tr>{td}</tr>" for td in tds)
    rule = (' columns="*"' if across else ' rows="*"') if rules else ""
    return (
        f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"{rule}>{body}</table>>'
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
