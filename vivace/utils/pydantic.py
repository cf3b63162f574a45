"""Piccolo's import path ``piccolo.utils.pydantic``: pydantic models made from tables.

Example: ``from vivace.utils.pydantic import create_pydantic_model``.
"""

from vivace.pydantic import create_pydantic_model

__all__ = [
    "create_pydantic_model",
]
