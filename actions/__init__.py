"""rasa-sdk actions: thin — tracker → knowledge/booking service → dispatcher."""
