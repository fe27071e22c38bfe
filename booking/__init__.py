"""Enterprise checkups (企业体检): input checks, capacity and locking, references, workflow."""
