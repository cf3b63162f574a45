"""A small FastAPI app on Vivace: see ``README.md`` in this folder."""
