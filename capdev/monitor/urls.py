"""Pages of the monitor stage: capacity-change dashboards and indicators."""

from capdev.monitor.urls_dashboards import urlpatterns as dashboard_patterns
from capdev.monitor.urls_indicators import urlpatterns as indicator_patterns

app_name = "monitor"
urlpatterns = dashboard_patterns + indicator_patterns
