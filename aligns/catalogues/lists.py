"""The needs and known-risks catalogues: the lists every scheme reports against.

The data migration loads them; the demo data loads them again (harmlessly) so that a
database emptied by a test run, or made without migrations, still has them.
"""

from django.utils.translation import gettext_noop as _

# Stored in English, translated where shown (CatalogueItem.shown).
NEEDS = [
    ("home_preparation", _("Home preparation before arrival")),
    ("shopping", _("Shopping")),
    ("prescriptions", _("Collecting prescriptions")),
    ("transport", _("Transport to appointments")),
    ("light_housework", _("Light housework")),
    ("meals", _("Meals")),
    ("dog_walking", _("Dog walking")),
    ("gardening", _("Gardening")),
    ("seated_exercise", _("Seated exercise")),
    ("befriending", _("Befriending and phone calls")),
    ("signposting", _("Signposting to other services")),
]

RISKS = [
    ("lives_alone", _("Lives alone")),
    ("falls", _("Falls")),
    ("memory", _("Memory problems")),
    ("pets", _("Pets in the home")),
    ("smoking", _("Smoking in the home")),
    ("access", _("Access difficulties")),
    ("other", _("Other (say what in the note)")),
]


def load_catalogues(need_model, risk_model):
    """Insert or update both lists; safe to run any number of times."""
    for model, rows in ((need_model, NEEDS), (risk_model, RISKS)):
        for position, (code, label) in enumerate(rows):
            model.objects.update_or_create(
                code=code, defaults={"label": label, "position": position}
            )
