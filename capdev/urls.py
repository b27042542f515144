from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from capdev.core.urls import api_urlpatterns
from capdev.core.views import healthz
from capdev.deliver.api_urls import api_urlpatterns as deliver_api_urlpatterns
from capdev.diagnose.api_urls import api_urlpatterns as diagnose_api_urlpatterns
from capdev.learn.api_urls import api_urlpatterns as learn_api_urlpatterns
from capdev.monitor.api_urls import api_urlpatterns as monitor_api_urlpatterns
from capdev.parity.api_urls import api_urlpatterns as parity_api_urlpatterns
from capdev.plan.api_urls import api_urlpatterns as plan_api_urlpatterns
from capdev.reports.api_urls import api_urlpatterns as reports_api_urlpatterns
from capdev.surveys.api_urls import api_urlpatterns as surveys_api_urlpatterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include(api_urlpatterns)),
    path("api/", include(diagnose_api_urlpatterns)),
    path("api/", include(plan_api_urlpatterns)),
    path("api/", include(deliver_api_urlpatterns)),
    path("api/", include(monitor_api_urlpatterns)),
    path("api/", include(parity_api_urlpatterns)),
    path("api/", include(surveys_api_urlpatterns)),
    path("api/", include(reports_api_urlpatterns)),
    path("api/", include(learn_api_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("diagnose/", include("capdev.diagnose.urls")),
    path("plan/", include("capdev.plan.urls")),
    path("deliver/", include("capdev.deliver.urls")),
    path("monitor/", include("capdev.monitor.urls")),
    path("parity/", include("capdev.parity.urls")),
    path("surveys/", include("capdev.surveys.urls")),
    path("reports/", include("capdev.reports.urls")),
    path("learn/", include("capdev.learn.urls")),
    path("", include("capdev.core.urls")),
]
