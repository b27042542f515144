"""Routes (filled in by their owner)."""

urlpatterns: list = []
