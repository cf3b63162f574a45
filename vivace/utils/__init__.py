"""Piccolo's ``piccolo.utils`` paths: ``sync`` (``run_sync``), ``pydantic``
(``create_pydantic_model``) and ``lazy_loader`` (``LazyLoader``).

Example: ``from vivace.utils.sync import run_sync``.
"""
