from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path

from planner import views

# Unknown URLs and server errors use Django's default handlers, which render
# templates/404.html and templates/500.html. /healthz and /readyz are answered by
# planner_ops.middleware.HealthCheckMiddleware before URL resolution.
urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/", include("planner.api.urls")),
    path("wizard/", include("wizard.urls")),
    path("", include("planner.plan_urls")),
]

if settings.BENCH_HELLO:
    # `make bench` measures every page against this one: Django and every middleware, no
    # database. Off unless BENCH_HELLO is set, so production has no such URL.
    urlpatterns.append(
        path("__bench/hello", lambda request: HttpResponse("hello\n", content_type="text/plain"))
    )
