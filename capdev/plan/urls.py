"""Pages of the plan stage, under /plan/."""

from django.urls import path

from capdev.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/sign/<slug:side>/", views.plan_sign, name="plan-sign"),
    path("<int:pk>/advance/", views.plan_advance, name="plan-advance"),
    path("<int:pk>/results/", views.result_add, name="result-add"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator-add"),
    path("<int:pk>/actions/", views.action_add, name="action-add"),
]
