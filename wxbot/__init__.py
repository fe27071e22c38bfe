"""The operator's package: the `wxbot` CLI, the process runner, Rasa training and endpoints,
database migrations. It imports the other packages; none imports it."""
