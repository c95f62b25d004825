from django.urls import path

from wizard import views

app_name = "wizard"

plan_wizard = views.PlanWizard.as_view(url_name="wizard:step", done_step_name="done")

urlpatterns = [
    path("", views.start, name="start"),
    path("edit/<str:edit_token>/", views.edit, name="edit"),
    path("<str:run>/<slug:step>/", plan_wizard, name="step"),
]
