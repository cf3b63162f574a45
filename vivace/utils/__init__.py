"""Piccolo's ``piccolo.utils`` paths: ``sync`` (``run_sync``), ``pydantic``
(``create_pydantic_model``), ``lazy_loader`` (``LazyLoader``) and ``encoding``
(``dump_json``, ``load_json``, ``JSONDict``).

Example: ``from vivace.utils.sync import run_sync``.
"""
