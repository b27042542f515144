"""Pages of the learn stage: evaluations and recommendations, lessons, search."""

from capdev.learn.urls_evaluations import urlpatterns as evaluation_patterns
from capdev.learn.urls_lessons import urlpatterns as lesson_patterns
from capdev.learn.urls_search import urlpatterns as search_patterns

app_name = "learn"
urlpatterns = evaluation_patterns + lesson_patterns + search_patterns
