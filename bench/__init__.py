"""Evaluations (NLU, retrieval) and load tests, with their data and latest results."""
