from django.db import models


class RateLimitBucket(models.Model):
    """Requests one client made in the current fixed window of one limit.

    Kept in the database so every worker process counts the same hits; a row is reused
    when its client comes back in a later window.
    """

    key = models.CharField(max_length=80, primary_key=True)  # "<scope>:<client address>"
    window_start = models.BigIntegerField(db_index=True)  # Unix time, a multiple of the period
    hits = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key} ({self.hits} since {self.window_start})"
