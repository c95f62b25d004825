from __future__ import annotations

from django.db import models

from planner import links


class PlanQuerySet(models.QuerySet):
    def by_share_token(self, token: str):
        """Return the plans this share link opens (none for a malformed token, no query)."""
        return self._by_hash("share_token_hash", token)

    def by_edit_token(self, token: str):
        """Return the plans this edit link opens (none for a malformed token, no query)."""
        return self._by_hash("edit_token_hash", token)

    def _by_hash(self, field: str, token: str):
        if not links.is_token(token):
            return self.none()
        return self.filter(**{field: links.hash_token(token)})


class Plan(models.Model):
    """A saved connector plan; the current revision's data is copied here for one-query pages."""

    name = models.CharField(max_length=120)
    revision = models.PositiveIntegerField(default=1)
    answers = models.JSONField()
    recommendation = models.JSONField()
    rules_version = models.PositiveIntegerField()
    # [{"number", "created_at", "note"}] for every revision, so the revisions list needs no query.
    history = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    share_token_hash = models.CharField(max_length=64, unique=True)
    edit_token_hash = models.CharField(max_length=64, unique=True)
    share_token_sealed = models.CharField(max_length=64)
    share_expires_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revision__gte=1), name="plan_revision_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} (revision {self.revision})"

    def current_import(self) -> PlanImport | None:
        """Return the plan's import, or None (no query when the plan was found with it)."""
        try:
            return self.audit_import
        except PlanImport.DoesNotExist:
            return None


class PlanRevision(models.Model):
    """One saved state of a plan; revision 1 is the plan as first saved."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    answers = models.JSONField()
    recommendation = models.JSONField()
    rules_version = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_revision"),
        ]

    def __str__(self):
        return f"{self.name} (revision {self.number})"


class PlanImport(models.Model):
    """What the tenant already had, imported from the export files; one per plan.

    As sensitive as the plan itself: read only through the plan's links, never logged.
    Importing again replaces it. `revision` is the plan revision it was imported against.
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="audit_import")
    revision = models.PositiveIntegerField()
    data = models.JSONField()  # CurrentConfig.to_dict()
    imported_at = models.DateTimeField()

    def __str__(self):
        return f"Import for plan {self.plan_id} (revision {self.revision})"


class StoredPdf(models.Model):
    """A revision's rendered PDF, kept in the database so every replica can serve it.

    `version` fingerprints what shaped the bytes besides the revision (templates, stylesheet,
    renderer code, rules version): a deploy that changes any of them makes old rows unused,
    and `manage.py prune_pdfs` deletes them.
    """

    revision = models.ForeignKey(PlanRevision, on_delete=models.CASCADE, related_name="pdfs")
    page_size = models.CharField(max_length=8)
    appendix = models.BooleanField()
    version = models.CharField(max_length=16)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "page_size", "appendix", "version"], name="unique_stored_pdf"
            ),
        ]

    def __str__(self):
        return f"{self.revision} {self.page_size} PDF"
