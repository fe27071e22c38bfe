"""The knowledge base: models, text analysis, search, answering, seed data, import, NLU export."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
