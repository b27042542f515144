"""API routes of the diagnose stage (included under /api/)."""

api_urlpatterns: list = []
