"""Helpers for migrations that move a model from one app to another without moving its data.

The model's table keeps its name (so no row moves); only Django's idea of where the model
lives changes. Its content type is renamed too, so that the access and sharing logs' links
to its rows (generic foreign keys), and the permissions attached to it, keep working.
"""

from django.db import migrations


def rename_content_types(old_app, new_app, models):
    """A RunPython operation giving `models` (lower-case names) of `old_app` to `new_app`."""

    def forwards(apps, schema_editor):
        _rename(apps, old_app, new_app, models)

    def backwards(apps, schema_editor):
        _rename(apps, new_app, old_app, models)

    return migrations.RunPython(forwards, backwards)


def _rename(apps, source, target, models):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        # A fresh database has no content types yet (they are made after migrating); one that
        # somehow has both keeps the target's and leaves the old one alone.
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)
