"""API routes of the monitor stage (included under /api/)."""

from capdev.monitor.api_urls_dashboards import api_urlpatterns as dashboard_patterns
from capdev.monitor.api_urls_indicators import api_urlpatterns as indicator_patterns

api_urlpatterns = dashboard_patterns + indicator_patterns
