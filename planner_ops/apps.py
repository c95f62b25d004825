from django.apps import AppConfig


class PlannerOpsConfig(AppConfig):
    name = "planner_ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"
