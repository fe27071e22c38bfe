"""The foundation: settings, database, security and staff accounts; imports nothing of ours."""
