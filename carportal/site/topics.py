"""The topic pages: each of the group's themes with its published meetings, projects and
publications, newest first."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from carportal.models import Topic
from meetings.models import Meeting
from projects.models import Project
from publications.models import Publication

# How many of each kind a topic's page shows; a link leads to the whole filtered list.
SECTION_LIMIT = 10


def published_by_topic(model):
    """{topic id: number of published rows of `model` with that topic}, in one grouped
    query whatever the number of topics."""
    rows = (
        model.objects.published()
        .filter(topics__isnull=False)
        .order_by()
        .values("topics")
        .annotate(count=Count("pk"))
    )
    return {row["topics"]: row["count"] for row in rows}


class TopicListView(ListView):
    template_name = "carportal/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = {
            kind: published_by_topic(model)
            for kind, model in (
                ("meetings", Meeting),
                ("projects", Project),
                ("publications", Publication),
            )
        }
        for topic in context["topics"]:
            topic.counts = {kind: by_topic.get(topic.pk, 0) for kind, by_topic in counts.items()}
        return context


class TopicDetailView(DetailView):
    template_name = "carportal/topic_detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        # A retired topic has no page: its links from lists and filters are gone too.
        return get_object_or_404(Topic.objects.active(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        topic = self.object
        sections = {
            "meetings": Meeting.objects.published().for_list(),
            "projects": Project.objects.published().for_list(),
            # The lists' own orders, so that "See all" continues where the page stops.
            "publications": Publication.objects.published().for_list(),
        }
        context = {}
        for kind, rows in sections.items():
            rows = rows.filter(topics=topic)
            shown = list(rows[:SECTION_LIMIT])
            context[kind] = shown
            # Counted only when the section is full: a shorter one is all there is.
            context[f"{kind}_count"] = rows.count() if len(shown) == SECTION_LIMIT else len(shown)
        return super().get_context_data(**context, **kwargs)
