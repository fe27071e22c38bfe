"""Custom actions of the assistant (rasa-sdk). Thin: they ask `knowledge` and format replies."""
