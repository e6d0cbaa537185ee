from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aligns.accounts.demo import DEMO_ORGANISATION_MANAGER, DEMO_PASSWORD, DEMO_USERS
from records.demo import seed_demo


class Command(BaseCommand):
    help = "Load the synthetic demo scheme and its demo users (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a live scheme's database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: this looks like a live database. "
                "Use --force only on a throwaway database."
            )
        created = seed_demo()
        self.stdout.write(f"Demo data ready ({len(created)} new users).")
        self.stdout.write("Demo sign-ins (local demo only):")
        for email, _name, role, _wards in DEMO_USERS:
            self.stdout.write(f"  {role.label:<12} {email}")
        self.stdout.write(
            f"  Organisation manager (of the scheme's provider) {DEMO_ORGANISATION_MANAGER[0]}"
        )
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
