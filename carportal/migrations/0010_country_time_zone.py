"""Gives countries a time zone, so that calendar files give a meeting's times in its venue's
zone, and fills it for the countries the portal was seeded with: the zone of each capital
(the European Union's is Brussels)."""

from django.db import migrations, models

import carportal.models

CAPITAL_ZONES = {
    "bg": "Europe/Sofia",
    "de": "Europe/Berlin",
    "dk": "Europe/Copenhagen",
    "ee": "Europe/Tallinn",
    "eu": "Europe/Brussels",
    "fi": "Europe/Helsinki",
    "hr": "Europe/Zagreb",
    "is": "Atlantic/Reykjavik",
    "lt": "Europe/Vilnius",
    "lv": "Europe/Riga",
    "no": "Europe/Oslo",
    "pl": "Europe/Warsaw",
    "ru": "Europe/Moscow",
    "se": "Europe/Stockholm",
    "ua": "Europe/Kyiv",
}


def fill_time_zones(apps, schema_editor):
    Country = apps.get_model("carportal", "Country")
    for code, zone in CAPITAL_ZONES.items():
        Country.objects.filter(code=code, time_zone="").update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("carportal", "0009_spreadsheet_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="country",
            name="time_zone",
            field=models.CharField(
                blank=True,
                choices=carportal.models.time_zone_choices,
                help_text=(
                    "The time zone of its capital, such as Europe/Vilnius: meetings held in the "
                    "country are in it in calendar files, unless a meeting names another. Empty: "
                    "Stockholm time, the Secretariat's."
                ),
                max_length=64,
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop),
    ]
