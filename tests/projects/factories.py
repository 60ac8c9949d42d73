import datetime

import factory

from carportal.models import Publishable
from projects.models import Project, ProjectFunding, ProjectPartner
from tests.carportal.factories import OrganisationFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"project-{n}")
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "What the project does."
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2030, 12, 31)
    status = Publishable.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Publishable.Status.DRAFT)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProjectPartner.Role.LEAD


class ProjectFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectFunding

    project = factory.SubFactory(ProjectFactory)
    funder = factory.SubFactory(OrganisationFactory, funder=True)
    programme = "A programme"
