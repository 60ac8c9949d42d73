import datetime

import factory

from carportal.models import Publishable
from meetings.models import Meeting, MeetingDocument, MeetingSession, Presentation, Presidency
from tests.carportal.factories import CountryFactory


class PresidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presidency

    slug = factory.Sequence(lambda n: f"presidency-{n}")
    name = factory.Sequence(lambda n: f"Presidency {2000 + n}-{2001 + n}")
    country = factory.SubFactory(CountryFactory)
    start_date = factory.Sequence(lambda n: datetime.date(2000 + n, 7, 1))
    end_date = factory.Sequence(lambda n: datetime.date(2001 + n, 6, 30))
    summary = "What the presidency set out to do."
    priorities = "First priority\nSecond priority"
    status = Publishable.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Publishable.Status.DRAFT)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"meeting-{n}")
    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.EXPERT_GROUP_MEETING
    start_date = datetime.date(2024, 2, 13)
    end_date = datetime.date(2024, 2, 14)
    city = "Helsinki"
    country = factory.SubFactory(CountryFactory)
    summary = "What the meeting discussed."
    status = Publishable.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Publishable.Status.DRAFT)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class MeetingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSession

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Session {n}")


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation

    session = factory.SubFactory(MeetingSessionFactory)
    title = factory.Sequence(lambda n: f"Presentation {n}")
    speaker_role = "Expert"


class MeetingDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingDocument

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="agenda.pdf", data=b"%PDF-1.4 agenda")
    file_size = 15
