"""Knowledge base of the assistant: tables, repositories, search, seed data and importers."""
