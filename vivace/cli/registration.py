"""Adding an app to ``APP_REGISTRY`` in a ``vivace_conf.py`` (``vivace app new --register``).

The file is edited where the ``apps=[...]`` list ends, so its comments and layout stay.

Example::

    register_app(Path("vivace_conf.py"), "music.vivace_app")
"""

from __future__ import annotations

import ast
from pathlib import Path

from vivace.exceptions import ConfigurationError


def _apps_list(tree: ast.Module) -> ast.List | None:
    """The ``apps=[...]`` list of the ``AppRegistry(...)`` call, if the file has one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AppRegistry":
            candidates = [k.value for k in node.keywords if k.arg == "apps"] + node.args[:1]
            for candidate in candidates:
                if isinstance(candidate, ast.List):
                    return candidate
    return None


def register_app(conf_path: Path, module_path: str) -> bool:
    """Add ``module_path`` to the conf's ``APP_REGISTRY``; False when it is there already."""
    source = conf_path.read_text(encoding="utf-8")
    listing = _apps_list(ast.parse(source))
    if listing is None or listing.end_lineno is None or listing.end_col_offset is None:
        raise ConfigurationError(
            f"{conf_path} has no AppRegistry(apps=[...]); add {module_path!r} to it yourself"
        )
    present = [e.value for e in listing.elts if isinstance(e, ast.Constant)]
    if module_path in present:
        return False
    lines = source.splitlines(keepends=True)
    closing_row, closing_col = listing.end_lineno - 1, listing.end_col_offset - 1
    closing_line = lines[closing_row].encode("utf-8")  # ast offsets count UTF-8 bytes
    before = closing_line[:closing_col].decode("utf-8")
    entry = f'"{module_path}"'
    if before.strip():
        # "apps=[...]" closes on a line with other text: add the entry inline.
        comma = ", " if listing.elts and not before.rstrip().endswith(",") else ""
        lines[closing_row] = before + comma + entry + closing_line[closing_col:].decode("utf-8")
    else:
        # The "]" stands on its own line: a new line above it, in the list's layout.
        lines.insert(closing_row, f"{before}    {entry},\n")
        _add_trailing_comma(lines, listing)
    conf_path.write_text("".join(lines), encoding="utf-8")
    return True


def _add_trailing_comma(lines: list[str], listing: ast.List) -> None:
    """Put a comma after the list's last element when it has none."""
    if not listing.elts:
        return
    last = listing.elts[-1]
    if last.end_lineno is None or last.end_col_offset is None:
        return
    row = last.end_lineno - 1
    encoded = lines[row].encode("utf-8")
    rest = encoded[last.end_col_offset :].decode("utf-8")
    if not rest.lstrip().startswith(","):
        lines[row] = encoded[: last.end_col_offset].decode("utf-8") + "," + rest
