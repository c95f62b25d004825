from django.urls import include, path

from planner import health, views

# Unknown URLs and server errors use Django's default handlers, which render
# templates/404.html and templates/500.html.
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", health.robots_txt, name="robots_txt"),
    path("api/", include("planner.api_urls")),
    path("wizard/", include("wizard.urls")),
    path("", include("planner.plan_urls")),
]
