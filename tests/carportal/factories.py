import factory

from carportal.models import Country, Organisation, Topic


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{chr(97 + n // 26 % 26)}{chr(97 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")
    membership = Country.Membership.MEMBER


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.AGENCY
    country = factory.SubFactory(CountryFactory)

    class Params:
        funder = factory.Trait(kind=Organisation.Kind.FUNDER, country=None)
