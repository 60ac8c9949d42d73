"""Meetings and presidencies become periods with a precision at each end.

A meeting's single `date_precision` becomes `start_precision`, and its end takes the same
precision, which is what the one field meant for both ends.
"""

from django.db import migrations, models


def end_precision_follows_start(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.update(end_precision=models.F("start_precision"))


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0002_presidency_no_overlap'),
    ]

    operations = [
        migrations.RenameField(
            model_name='meeting',
            old_name='date_precision',
            new_name='start_precision',
        ),
        migrations.AlterField(
            model_name='meeting',
            name='start_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='Shown publicly as precisely as this: "13 June 2026", "June 2026", "2026".', max_length=5, verbose_name='start known to'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='end_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', max_length=5, verbose_name='end known to'),
        ),
        migrations.RunPython(end_precision_follows_start, migrations.RunPython.noop),
        migrations.AddField(
            model_name='presidency',
            name='end_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', max_length=5, verbose_name='end known to'),
        ),
        migrations.AddField(
            model_name='presidency',
            name='start_precision',
            field=models.CharField(choices=[('day', 'Exact day'), ('month', 'Month only'), ('year', 'Year only')], default='day', help_text='Shown publicly as precisely as this: "13 June 2026", "June 2026", "2026".', max_length=5, verbose_name='start known to'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='end_date',
            field=models.DateField(blank=True, help_text='Leave empty for a one-day meeting, or one known only as "June 2026".', null=True, verbose_name='end date'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='start_date',
            field=models.DateField(blank=True, help_text='Leave empty while it is not known. For a month or a year, any day in it.', null=True, verbose_name='start date'),
        ),
        migrations.AlterConstraint(
            model_name='meetingsession',
            name='session_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('end_time__isnull', True), ('start_time__isnull', True), ('end_time__gte', models.F('start_time')), _connector='OR'), name='session_ends_after_start', violation_error_message='The end time must not be before the start time.'),
        ),
    ]
