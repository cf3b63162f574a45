"""Pydantic (v2) models made from tables: ``create_pydantic_model`` (``vivace[pydantic]``).

Example::

    from vivace.pydantic import create_pydantic_model

    BandIn = create_pydantic_model(Band)
    BandOut = create_pydantic_model(Band, include_default_columns=True, nested=True)
"""

from vivace.pydantic.models import create_pydantic_model

__all__ = ["create_pydantic_model"]
