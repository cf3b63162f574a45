"""The built-in command groups of ``vivace``: one module per group, each exporting ``group``."""
