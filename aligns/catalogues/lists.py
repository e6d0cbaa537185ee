"""The needs and known-risks catalogues: the lists every scheme reports against.

The data migration loads them; the demo data loads them again (harmlessly) so that a
database emptied by a test run, or made without migrations, still has them.
"""

NEEDS = [
    ("home_preparation", "Home preparation before arrival"),
    ("shopping", "Shopping"),
    ("prescriptions", "Collecting prescriptions"),
    ("transport", "Transport to appointments"),
    ("light_housework", "Light housework"),
    ("meals", "Meals"),
    ("dog_walking", "Dog walking"),
    ("gardening", "Gardening"),
    ("seated_exercise", "Seated exercise"),
    ("befriending", "Befriending and phone calls"),
    ("signposting", "Signposting to other services"),
]

RISKS = [
    ("lives_alone", "Lives alone"),
    ("falls", "Falls"),
    ("memory", "Memory problems"),
    ("pets", "Pets in the home"),
    ("smoking", "Smoking in the home"),
    ("access", "Access difficulties"),
    ("other", "Other (say what in the note)"),
]


def load_catalogues(need_model, risk_model):
    """Insert or update both lists; safe to run any number of times."""
    for model, rows in ((need_model, NEEDS), (risk_model, RISKS)):
        for position, (code, label) in enumerate(rows):
            model.objects.update_or_create(
                code=code, defaults={"label": label, "position": position}
            )
