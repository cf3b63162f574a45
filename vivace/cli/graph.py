"""The apps' tables and foreign keys as a Graphviz DOT graph (``vivace schema graph``).

Each table is a node listing its columns; each foreign key an edge from its column to the
column it references. Text is escaped for DOT's HTML-like labels.

Example::

    dot_source([("music", [Manager, Band])], direction="LR")
    # 'digraph vivace {\\n  rankdir=LR; ...'
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

DIRECTIONS = ("LR", "RL", "TB", "BT")
HEADER_COLOUR = "#1d3557"


def _node_id(app_name: str, table: Any) -> str:
    return f'"{app_name}.{table.__name__}"'


def _label(table: Any) -> str:
    name = html.escape(table.__name__)
    rows = [f'<tr><td bgcolor="{HEADER_COLOUR}"><font color="white"><b>{name}</b></font></td></tr>']
    for column in table._meta.columns:
        column_name = html.escape(column._meta.name)
        kind = html.escape(type(column).__name__)
        key = " (pk)" if column is table._meta.primary_key else ""
        rows.append(
            f'<tr><td port="{column_name}" align="left">{column_name}: {kind}{key}</td></tr>'
        )
    return f'<<table border="0" cellborder="1" cellspacing="0">{"".join(rows)}</table>>'


def dot_source(selection: Sequence[tuple[str, Sequence[Any]]], direction: str = "LR") -> str:
    """DOT text for ``[(app_name, tables), ...]``; an edge per foreign key.

    A foreign key to a table outside the selection gets a plain node of its own.
    """
    homes = {table: app_name for app_name, tables in selection for table in tables}
    lines = [
        "digraph vivace {",
        f"  rankdir={direction};",
        '  node [shape=plaintext, fontname="Helvetica"];',
        '  edge [arrowhead=vee, color="#457b9d"];',
    ]
    for app_name, tables in selection:
        lines.append(f'  subgraph "cluster_{app_name}" {{')
        lines.append(f'    label="{app_name}"; color="#a8dadc";')
        lines.extend(f"    {_node_id(app_name, t)} [label={_label(t)}];" for t in tables)
        lines.append("  }")
    for app_name, tables in selection:
        for table in tables:
            for fk in table._meta.foreign_key_columns:
                target = fk.resolved_references
                target_app = homes.get(target)
                if target_app is None:
                    target_node = f'"{target.__name__}"'
                    lines.append(f"  {target_node} [shape=box];")
                    end = target_node
                else:
                    end = f'{_node_id(target_app, target)}:"{fk.target_column._meta.name}"'
                start = f'{_node_id(app_name, table)}:"{fk._meta.name}"'
                lines.append(f"  {start} -> {end};")
    lines.append("}")
    return "\n".join(lines) + "\n"
