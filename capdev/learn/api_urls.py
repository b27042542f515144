"""API routes of the learn stage (included under /api/)."""

from capdev.learn.api_urls_evaluations import api_urlpatterns as evaluation_patterns
from capdev.learn.api_urls_lessons import api_urlpatterns as lesson_patterns
from capdev.learn.api_urls_search import api_urlpatterns as search_patterns

api_urlpatterns = evaluation_patterns + lesson_patterns + search_patterns
