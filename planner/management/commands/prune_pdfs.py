from django.core.management.base import BaseCommand

from planner import pdfs


class Command(BaseCommand):
    help = (
        "Delete stored PDFs that no link serves any more: those of revisions that are no "
        "longer current, and those rendered by older templates or code. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = pdfs.prune()
        self.stdout.write(f"Deleted {deleted} stored PDF{'' if deleted == 1 else 's'}.")
