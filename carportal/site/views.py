"""Home, the pages staff keep (about, contact) and health."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from carportal.models import Country, Page, PageSection, Topic
from carportal.site.health import service_status
from meetings.models import Meeting, Presidency
from projects.models import Project
from publications.models import Publication


class HomeView(TemplateView):
    template_name = "carportal/home.html"

    def get_context_data(self, **kwargs):
        meetings = Meeting.objects.published().for_list()
        return super().get_context_data(
            presidency=Presidency.objects.published().current_or_latest(),
            upcoming_meetings=meetings.upcoming()[:3],
            recent_meetings=meetings.past()[:3],
            publications=Publication.objects.published().newest_first().for_list()[:4],
            projects=Project.objects.published().ongoing().for_list()[:6],
            **kwargs,
        )


class PageView(DetailView):
    """A site page kept by staff (/about/, /contact/), with the lists its sections ask for."""

    context_object_name = "page"
    queryset = Page.objects.for_detail()

    def get_template_names(self):
        return [f"carportal/page_{self.object.slug}.html", "carportal/page.html"]

    def get_context_data(self, **kwargs):
        shows = {section.shows for section in self.object.sections.all()}
        lists = {}
        if PageSection.List.MEMBERS in shows:
            countries = Country.objects.exclude(membership=Country.Membership.NON_MEMBER)
            lists["countries"] = {
                membership: [c for c in countries if c.membership == membership]
                for membership in Country.Membership.values
            }
        if PageSection.List.PRIORITIES in shows:
            lists["priorities"] = Topic.objects.active().filter(is_priority=True)
        return super().get_context_data(**lists, **kwargs)


@never_cache
@transaction.non_atomic_requests
def health(request):
    """For load balancers and docker-compose: 503 only when the database is down.

    Outside the request transaction (ATOMIC_REQUESTS): opening it with the database down
    would fail before the view could say so.
    """
    status = service_status()
    return JsonResponse(status, status=503 if status["status"] == "error" else 200)
