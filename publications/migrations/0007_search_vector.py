# The site search's vector of each publication, on PostgreSQL only (carportal/search.py,
# docs/adr/0012). The weights are written out here, as they were when the column was made.

from django.db import migrations

from carportal.search import add_search_vector


class Migration(migrations.Migration):

    dependencies = [
        ("publications", "0006_spreadsheet_permissions"),
    ]

    operations = [
        add_search_vector(
            "publications_publication",
            {"title": "A", "subtitle": "B", "summary": "B", "description": "C"},
            # The editions' own titles, in their languages, weigh as the title.
            related=("publications_edition", "publication_id", "title", "A"),
        ),
    ]
