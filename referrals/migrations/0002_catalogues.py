from django.db import migrations

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


def load(apps, schema_editor):
    for model_name, rows in (("Need", NEEDS), ("KnownRisk", RISKS)):
        model = apps.get_model("referrals", model_name)
        for position, (code, label) in enumerate(rows):
            model.objects.update_or_create(
                code=code, defaults={"label": label, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
