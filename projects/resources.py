"""Projects in and out of spreadsheets (the admin's import and export): partners by role and
funders with their programmes, named as organisations are (carportal/resources.py says how
rows are identified)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from carportal.models import Country
from carportal.resources import (
    COUNTRY_HINT,
    ContentResource,
    organisations,
    setter,
    slug_field,
    status_field,
    topics_field,
)
from carportal.spreadsheets import (
    NaturalKeyListWidget,
    NaturalKeyWidget,
    PartialDateField,
    RelatedRowsField,
    TextWidget,
    split_list,
)
from projects.models import Project, ProjectFunding, ProjectPartner

PROJECT_HINT = _("use the slug or acronym of a project.")


def project_widget():
    return NaturalKeyWidget(Project, names=("acronym",), hint=PROJECT_HINT)


def projects_widget():
    return NaturalKeyListWidget(Project, names=("acronym",), hint=PROJECT_HINT)


PARTNER_COLUMNS = {
    ProjectPartner.Role.LEAD: "Lead partners",
    ProjectPartner.Role.PARTNER: "Partners",
    ProjectPartner.Role.ASSOCIATE: "Associate partners",
}


def partners_writer(role):
    def write(project, partners):
        project.partnerships.filter(role=role).exclude(organisation__in=partners).delete()
        for position, organisation in enumerate(partners):
            ProjectPartner.objects.update_or_create(
                project=project,
                organisation=organisation,
                defaults={"role": role, "position": position},
            )

    return write


class PartnersField(RelatedRowsField):
    """The project's partners in one role, in their order. An organisation is a partner in
    one role only, so one listed in two of the columns is a row error."""

    def __init__(self, role):
        # Each role its own attribute, so that row errors are told apart by column.
        super().__init__(
            f"{role}_partners",
            PARTNER_COLUMNS[role],
            widget=organisations(),
            key="name",
            write=partners_writer(role),
        )
        self.role = role

    def related(self, project):
        return [p.organisation for p in project.partnerships.all() if p.role == self.role]

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not is_m2m:
            mine = set(self.clean(row, **kwargs))
            for role, column in PARTNER_COLUMNS.items():
                if role == self.role:
                    break
                try:
                    theirs = set(self.widget.clean(row[column])) if column in row else set()
                except ValueError:
                    continue  # that column reports its own error
                if twice := mine & theirs:
                    raise ValueError(
                        gettext("“%(names)s” also in “%(column)s”: list each partner once.")
                        % {"names": "”, “".join(sorted(o.name for o in twice)), "column": column}
                    )
        super().save(instance, row, is_m2m, **kwargs)


class FundingWidget(NaturalKeyListWidget):
    """Funders named as organisations are, each followed by its programme after a colon:
    "European Commission: Rights, Equality and Citizenship Programme; Swedish Institute"."""

    def clean(self, value, row=None, **kwargs):
        items = [item.partition(":") for item in split_list(value, commas=False)]
        funders = self.find([name.strip() for name, _colon, _programme in items])
        return [
            (funder, programme.strip())
            for funder, (_name, _colon, programme) in zip(funders, items, strict=True)
        ]

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(
            f"{name}: {programme}" if programme else name for name, programme in value or []
        )


def write_fundings(project, fundings):
    kept = [
        ProjectFunding.objects.update_or_create(
            project=project, funder=funder, programme=programme, defaults={"position": position}
        )[0].pk
        for position, (funder, programme) in enumerate(fundings)
    ]
    project.fundings.exclude(pk__in=kept).delete()


class FundersField(RelatedRowsField):
    def __init__(self):
        super().__init__(
            "fundings",
            "Funders",
            widget=organisations(FundingWidget),
            key="funder",
            write=write_fundings,
        )

    def get_value(self, instance):
        if instance.pk is None:
            return []
        return [(funding.funder.name, funding.programme) for funding in instance.fundings.all()]

    def unchanged(self, instance, row, **kwargs):
        listed = {(funder.name, programme) for funder, programme in self.clean(row, **kwargs)}
        return listed == set(self.get_value(instance))


class ProjectResource(ContentResource):
    prefetch = ["parent", "topics", "countries", "partnerships__organisation", "fundings__funder"]

    slug = slug_field()
    acronym = Field("acronym", "Acronym", widget=TextWidget())
    title = Field("title", "Title", widget=TextWidget())
    status = status_field()
    parent = Field("parent", "Phase of", widget=project_widget())
    start = PartialDateField("start_date", "Start", precision="start_precision")
    end = PartialDateField("end_date", "End", precision="end_precision")
    summary = Field("summary", "Summary", widget=TextWidget())
    description = Field("description", "Description", widget=TextWidget())
    outcomes = Field("outcomes", "Outcomes", widget=TextWidget())
    website = Field("website", "Website", widget=TextWidget())
    contact_role = Field("contact_role", "Contact role", widget=TextWidget())
    contact_email = Field("contact_email", "Contact e-mail", widget=TextWidget())
    topics = topics_field()
    countries = RelatedRowsField(
        "countries",
        "Countries",
        widget=NaturalKeyListWidget(Country, names=("name",), hint=COUNTRY_HINT),
        key="code",
        write=setter("countries"),
    )
    lead_partners = PartnersField(ProjectPartner.Role.LEAD)
    partners = PartnersField(ProjectPartner.Role.PARTNER)
    associate_partners = PartnersField(ProjectPartner.Role.ASSOCIATE)
    funders = FundersField()

    class Meta:
        model = Project
        fields = [
            "slug",
            "acronym",
            "title",
            "status",
            "parent",
            "start",
            "end",
            "summary",
            "description",
            "outcomes",
            "website",
            "contact_role",
            "contact_email",
            "topics",
            "countries",
            "lead_partners",
            "partners",
            "associate_partners",
            "funders",
        ]
        clean_model_instances = True
