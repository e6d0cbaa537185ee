from django.core.management.base import BaseCommand

from records.retention import anonymise, expired_clients


class Command(BaseCommand):
    help = (
        "Remove the personal details of clients whose last support ended longer ago than "
        "their scheme keeps personal data (live tables and history), keeping report figures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        clients = expired_clients()
        # Record ids and dates only: the point is to stop showing who these people were.
        for client in clients:
            self.stdout.write(
                f"client {client.pk} ({client.scheme.slug}): last support ended "
                f"{client.last_closed:%Y-%m-%d}"
            )
        if dry_run:
            self.stdout.write(f"Dry run: {clients.count()} client(s) would be anonymised.")
            return
        done = anonymise(clients)
        self.stdout.write(self.style.SUCCESS(f"{done} client(s) anonymised."))
