# The site search's vector of each meeting and presidency, on PostgreSQL only
# (carportal/search.py, docs/adr/0012). The weights are written out here, as they were when
# the columns were made.

from django.db import migrations

from carportal.search import add_search_vector


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0009_meeting_time_zone"),
    ]

    operations = [
        add_search_vector(
            "meetings_meeting",
            {"title": "A", "summary": "B", "description": "C"},
        ),
        add_search_vector(
            "meetings_presidency",
            {"name": "A", "summary": "B", "priorities": "C", "cross_cutting_themes": "C"},
        ),
    ]
