from django.urls import path, register_converter

from planner import views
from planner.tokens import TOKEN_PATTERN


class TokenConverter:
    """A plan link token: anything else is an unknown URL (404) before any database look-up."""

    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ScriptSideConverter:
    regex = "exchange-online|on-premises"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")
register_converter(ScriptSideConverter, "script_side")

app_name = "planner"

urlpatterns = [
    path("p/<token:share_token>/", views.plan_detail, name="detail"),
    path("p/<token:share_token>/pdf", views.plan_pdf, name="pdf"),
    path("p/<token:share_token>/plan.md", views.plan_markdown, name="markdown"),
    path("p/<token:share_token>/<script_side:side>.ps1", views.plan_script, name="script"),
    path("p/<token:share_token>/revisions/<int:number>/", views.plan_revision, name="revision"),
    path("p/<token:share_token>/compare/", views.plan_compare, name="compare"),
    path("e/<token:edit_token>/", views.plan_edit, name="edit"),
    path("e/<token:edit_token>/pdf", views.edit_pdf, name="edit_pdf"),
    path("e/<token:edit_token>/plan.md", views.edit_markdown, name="edit_markdown"),
    path("e/<token:edit_token>/<script_side:side>.ps1", views.edit_script, name="edit_script"),
    path("e/<token:edit_token>/revisions/<int:number>/", views.edit_revision, name="edit_revision"),
    path("e/<token:edit_token>/compare/", views.edit_compare, name="edit_compare"),
    path("e/<token:edit_token>/rotate-share", views.rotate_share, name="rotate_share"),
    path("e/<token:edit_token>/rotate-edit", views.rotate_edit, name="rotate_edit"),
    path("e/<token:edit_token>/share-expiry", views.share_expiry, name="share_expiry"),
    path(
        "e/<token:edit_token>/current-rules",
        views.resave_with_current_rules,
        name="current_rules",
    ),
]
