"""Load postcode coordinates for matching from the ONS Postcode Directory (ONSPD).

Download the ONSPD CSV (the single "ONSPD_<month>_<year>_UK.csv" in its Data folder) from
the ONS Open Geography Portal, then:

    python manage.py import_postcodes ONSPD_FEB_2026_UK.csv

Columns used: `pcds` (the postcode with one space), `lat` and `long` (WGS84 degrees) and
`doterm` (the date a postcode was terminated; terminated postcodes are skipped). Rows with no
grid reference (lat 99.999999) are skipped too. Re-running replaces what was loaded, then
district centres (the mean of each district's postcodes) are worked out again.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Avg

from volunteers.geography import district_of, normalise
from volunteers.models import Postcode, PostcodeDistrict

BATCH = 5000
NO_LOCATION = 99.0  # ONSPD marks postcodes without a grid reference with lat 99.999999


class Command(BaseCommand):
    help = "Import postcode coordinates from an ONS Postcode Directory CSV."

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, *args, csv_path, **options):
        try:
            source = open(csv_path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {csv_path}: {error}") from error
        with source, transaction.atomic():
            reader = csv.DictReader(source)
            missing = {"pcds", "lat", "long"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{csv_path} lacks the columns: {', '.join(sorted(missing))}")
            Postcode.objects.all().delete()
            loaded, batch = 0, []
            for row in reader:
                if row.get("doterm", "").strip():
                    continue
                try:
                    latitude, longitude = float(row["lat"]), float(row["long"])
                except ValueError:
                    continue
                if latitude > NO_LOCATION:
                    continue
                postcode = normalise(row["pcds"])
                batch.append(
                    Postcode(
                        postcode=postcode,
                        district=district_of(postcode),
                        latitude=latitude,
                        longitude=longitude,
                    )
                )
                if len(batch) >= BATCH:
                    Postcode.objects.bulk_create(batch, ignore_conflicts=True)
                    loaded += len(batch)
                    batch = []
            Postcode.objects.bulk_create(batch, ignore_conflicts=True)
            loaded += len(batch)
            districts = rebuild_districts()
        self.stdout.write(f"Loaded {loaded} postcodes in {districts} districts.")


def rebuild_districts():
    PostcodeDistrict.objects.all().delete()
    centres = Postcode.objects.values("district").annotate(
        latitude=Avg("latitude"), longitude=Avg("longitude")
    )
    PostcodeDistrict.objects.bulk_create(PostcodeDistrict(**centre) for centre in centres)
    return len(centres)
