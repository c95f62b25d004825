from django.urls import include, path

from planner import views

# Unknown URLs and server errors use Django's default handlers, which render
# templates/404.html and templates/500.html.
urlpatterns = [
    path("", views.home, name="home"),
    path("api/", include("planner.api_urls")),
    path("wizard/", include("wizard.urls")),
]
