"""API routes (filled in by their owner)."""

api_urlpatterns: list = []
