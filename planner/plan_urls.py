from django.urls import path, register_converter

from planner import views
from planner.links import EDIT, SCRIPT_SIDES, SHARE, TOKEN_PATTERN, url_name


class TokenConverter:
    """A plan link token: anything else is an unknown URL (404) before any database look-up."""

    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class ScriptSideConverter(TokenConverter):
    regex = "|".join(SCRIPT_SIDES)


register_converter(TokenConverter, "token")
register_converter(ScriptSideConverter, "script_side")

app_name = "planner"

# The same pages behind either link; `kind` tells the view which link opened it.
PAGES = [
    ("", views.plan_page, "plan"),
    ("pdf", views.plan_pdf, "pdf"),
    ("plan.md", views.plan_markdown, "markdown"),
    ("<script_side:side>.ps1", views.plan_script, "script"),
    ("<script_side:side>-without-import.ps1", views.plan_script_plain, "script_plain"),
    ("export/<script_side:side>.ps1", views.export_script, "export_script"),
    ("revisions/<int:number>/", views.plan_revision, "revision"),
    ("compare/", views.plan_compare, "compare"),
]

urlpatterns = [
    path(f"{prefix}/<token:token>/{rest}", view, {"kind": kind}, name=url_name(kind, page))
    for prefix, kind in (("p", SHARE), ("e", EDIT))
    for rest, view, page in PAGES
] + [
    path("e/<token:token>/links/", views.link_settings, name="link_settings"),
    path("e/<token:token>/rotate-share", views.rotate_share, name="rotate_share"),
    path("e/<token:token>/rotate-edit", views.rotate_edit, name="rotate_edit"),
    path("e/<token:token>/share-expiry", views.share_expiry, name="share_expiry"),
    path("e/<token:token>/current-rules", views.resave_with_current_rules, name="current_rules"),
    path("e/<token:token>/import", views.import_current, name="import_current"),
]
