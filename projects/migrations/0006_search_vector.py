# The site search's vector of each project, on PostgreSQL only (carportal/search.py,
# docs/adr/0012). The weights are written out here, as they were when the column was made.

from django.db import migrations

from carportal.search import add_search_vector


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0005_spreadsheet_permissions"),
    ]

    operations = [
        add_search_vector(
            "projects_project",
            {"acronym": "A", "title": "A", "summary": "B", "description": "C", "outcomes": "C"},
        ),
    ]
