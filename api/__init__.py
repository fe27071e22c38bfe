"""FastAPI app: chat gateway, item search and self-check, bookings, staff console, web pages."""
