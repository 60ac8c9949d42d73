import datetime

import factory

from carportal.dates import DatePrecision
from carportal.models import Language, Publishable
from publications.models import Edition, Publication


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"publication-{n}")
    title = factory.Sequence(lambda n: f"Publication {n}")
    kind = Publication.Kind.REPORT
    published_on = datetime.date(2018, 6, 1)
    published_precision = DatePrecision.MONTH
    summary = "What the publication is about."
    status = Publishable.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Publishable.Status.DRAFT)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    publication = factory.SubFactory(PublicationFactory)
    language = Language.EN
    file = factory.django.FileField(filename="edition.pdf", data=b"%PDF-1.4 edition")
    file_size = 16
