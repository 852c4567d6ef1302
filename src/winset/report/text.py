"""User text in a page: escaped, with its web addresses as links (and nothing else as one)."""

from __future__ import annotations

import html
import re

__all__ = ["linkify"]

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)\]]")


def linkify(text: str, attrs: str = 'rel="noopener noreferrer"') -> str:
    """Escaped text with its http(s) addresses as links; nothing else becomes a link.

    Parameters
    ----------
    text
        The user's text (a source, a note).
    attrs
        The links' further attributes, as written in the ``<a>`` tag (trusted: not escaped).
    """
    out = []
    last = 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        url = html.escape(m.group(0), quote=True)
        out.append(f'<a href="{url}" {attrs}>{url}</a>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
