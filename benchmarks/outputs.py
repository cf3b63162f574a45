"""Writing a benchmark's three outputs: ``<stem>.json``, ``<stem>.md`` and ``<stem>.png``."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any


def write_outputs(
    result: dict[str, Any],
    folder: str,
    stem: str,
    markdown: Callable[[dict[str, Any]], str],
    draw: Callable[[dict[str, Any], str], None],
) -> list[str]:
    """Write the result, its Markdown and its chart; the paths written.

    No chart (and no PNG path) when matplotlib is missing.
    """
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, f"{stem}.{ext}") for ext in ("json", "md", "png")]
    with open(paths[0], "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    with open(paths[1], "w") as f:
        f.write(markdown(result))
    try:
        draw(result, paths[2])
    except ImportError:
        paths.pop()
    return paths
