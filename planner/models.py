from django.db import connection, models

from planner.engine import Answers

# The plan's JSON columns. Look-ups by link fetch them as text (see services._find_plan) and
# decode each on first use, so a page served from a cache never pays for decoding 35 KB.
JSON_FIELDS = ("answers", "recommendation", "history")


def json_text_alias(field: str) -> str:
    """Return the attribute that holds `field`'s undecoded text after a link look-up."""
    return f"{field}_json_text"


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

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revision__gte=1), name="plan_revision_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} (revision {self.revision})"

    def answers_obj(self) -> Answers:
        """Return the stored answers as `Answers`, as they were when saved."""
        return Answers.from_dict(self.answers)

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Load deferred JSON fields from the text fetched with the row, if there is any.

        Django calls this when a deferred field is first read (the documented hook for
        customising deferred loading); only fields without fetched text go to the database.
        """
        if fields is None or from_queryset is not None:
            for field in JSON_FIELDS:
                self.__dict__.pop(json_text_alias(field), None)
            return super().refresh_from_db(using, fields, from_queryset)
        remaining = []
        for name in fields:
            text = self.__dict__.pop(json_text_alias(name), None) if name in JSON_FIELDS else None
            if text is None:
                remaining.append(name)
            else:
                field = self._meta.get_field(name)
                setattr(self, name, field.from_db_value(text, None, connection))
        if remaining:
            super().refresh_from_db(using, remaining, from_queryset)
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

    def answers_obj(self) -> Answers:
        """Return the stored answers as `Answers`, as they were when saved."""
        return Answers.from_dict(self.answers)


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
