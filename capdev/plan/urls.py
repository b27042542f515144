"""Pages of the plan stage, under /plan/."""

from django.urls import path

from capdev.plan import views, views_strategy

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
    # the strategy's own implementation plan (§13, §30–33)
    path("strategy/", views_strategy.strategy_plan, name="strategy-plan"),
    path(
        "strategy/deliverables/<int:pk>/",
        views_strategy.deliverable_detail,
        name="strategy-deliverable",
    ),
    path(
        "strategy/deliverables/<int:pk>/edit/",
        views_strategy.deliverable_edit,
        name="strategy-deliverable-edit",
    ),
    path("strategy/meetings/", views_strategy.steering_meetings, name="strategy-meetings"),
    path(
        "strategy/decisions/<int:pk>/status/",
        views_strategy.steering_decision_status,
        name="strategy-decision-status",
    ),
    path(
        "strategy/meetings/new/",
        views_strategy.steering_meeting_create,
        name="strategy-meeting-create",
    ),
]
