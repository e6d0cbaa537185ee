"""Load community services into a scheme's directory from an Open Referral UK export.

    python manage.py import_services riverside service.csv

Open Referral UK publishes each table as its own CSV; this reads the `service` table, with
the columns `id`, `name`, `description`, `url`, `email` and, if present, the two columns
many exporters add from the linked tables: `phone` (contact number) and `service_area`
(the area covered), plus `category` holding one of the directory's category codes
(transport, repairs, benefits, befriending, day_centre, carers, other; anything else is
"other"). Rows are matched on `id`, so importing again updates rather than duplicates.
"""

import csv

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import EmailValidator, URLValidator

from aligns.accounts.models import Scheme
from visits.models import CommunityService, ServiceCategory
from visits.services import community_service_save


def _valid(value, validator):
    try:
        validator(value)
    except ValidationError:
        return ""
    return value


class Command(BaseCommand):
    help = "Import community services from an Open Referral UK service.csv."

    def add_arguments(self, parser):
        parser.add_argument("scheme_slug")
        parser.add_argument("csv_path")

    def handle(self, *args, scheme_slug, csv_path, **options):
        scheme = Scheme.objects.filter(slug=scheme_slug).first()
        if scheme is None:
            raise CommandError(f"No scheme with the slug {scheme_slug!r}.")
        try:
            source = open(csv_path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {csv_path}: {error}") from error
        created = updated = 0
        with source:
            reader = csv.DictReader(source)
            missing = {"id", "name"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{csv_path} lacks the columns: {', '.join(sorted(missing))}")
            for row in reader:
                name = (row.get("name") or "").strip()
                if not name:
                    continue
                category = (row.get("category") or "").strip().lower()
                existing = CommunityService.objects.filter(
                    scheme=scheme, external_id=row["id"]
                ).first()
                community_service_save(
                    scheme=scheme,
                    by=None,
                    service=existing,
                    external_id=row["id"],
                    name=name[:200],
                    description=(row.get("description") or "").strip(),
                    website=_valid((row.get("url") or "").strip(), URLValidator()),
                    email=_valid((row.get("email") or "").strip(), EmailValidator()),
                    phone=(row.get("phone") or "").strip()[:50],
                    area_covered=(row.get("service_area") or "").strip()[:200],
                    category=category
                    if category in ServiceCategory.values
                    else ServiceCategory.OTHER,
                )
                if existing:
                    updated += 1
                else:
                    created += 1
        self.stdout.write(f"{created} services added, {updated} updated.")
