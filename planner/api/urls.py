from django.urls import path, re_path

from planner.api import views as api

app_name = "api"

urlpatterns = [
    re_path(r"^evaluate/?$", api.evaluate, name="evaluate"),
    re_path(r"^plans/?$", api.create_plan, name="plans"),
    re_path(r"^plans/(?P<token>[^/]+)/?$", api.plan_detail, name="plan"),
    re_path(r"^schema/?$", api.schema, name="schema"),
    path("<path:path>", api.not_found),
    path("", api.not_found),
]
