"""MkDocs hook: docstrings write reST's ``Example::`` before an indented example.

Markdown renders the indented lines as code already; only the doubled colon that
introduces them is left over, so turn a paragraph's closing ``::`` into ``:``.
"""

from __future__ import annotations

import re
from typing import Any

_CLOSING_DOUBLE_COLON = re.compile(r"::</p>")


def on_page_content(html: str, **_: Any) -> str:
    """Mkdocs calls this with each page's HTML (the API reference pages included)."""
    return _CLOSING_DOUBLE_COLON.sub(":</p>", html)
