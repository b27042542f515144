from django.urls import include, path

app_name = "deliver"
urlpatterns = [
    path("", include("capdev.deliver.urls_activities")),
    path("", include("capdev.deliver.urls_registry")),
]
