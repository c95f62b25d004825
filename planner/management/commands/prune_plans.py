"""Delete plans (with their revisions) that nobody has changed for a given number of days."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from planner.models import Plan


class Command(BaseCommand):
    help = "Delete plans not changed for --older-than days (their revisions go with them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="delete plans whose last change is more than DAYS days ago",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *, older_than, dry_run, **options):
        if older_than < 1:
            raise CommandError("--older-than takes a whole number of days, 1 or more.")
        stale = Plan.objects.filter(updated_at__lt=timezone.now() - dt.timedelta(days=older_than))
        count = stale.count()
        if not dry_run:
            stale.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {count} plan{'s' * (count != 1)} not changed for {older_than} days."
        )
