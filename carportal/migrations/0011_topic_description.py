"""A topic's description is Markdown, shown on its public page (no change to the column)."""

import carportal.markdown
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('carportal', '0010_country_time_zone'),
    ]

    operations = [
        migrations.AlterField(
            model_name='topic',
            name='description',
            field=carportal.markdown.MarkdownField(blank=True, help_text="Shown publicly at the top of the topic's page, and its first lines on the list of topics: a few sentences on what the topic covers.", verbose_name='description'),
        ),
    ]
