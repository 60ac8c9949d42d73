"""Projects in and out of spreadsheets (the admin's import and export): partners by role and
funders with their programmes, named as organisations are (carportal/resources.py says how
rows are identified)."""

from copy import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from carportal import bulk_write
from carportal.bulk_import import RelatedRowsField, Written, _listed
from carportal.models import Country
from carportal.resources import (
    COUNTRY_HINT,
    ContentResource,
    organisations,
    slug_field,
    status_field,
    topics_field,
)
from carportal.spreadsheets import (
    NaturalKeyListWidget,
    NaturalKeyWidget,
    PartialDateField,
    TextWidget,
    sheet_row,
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


class PartnersField(RelatedRowsField):
    """The project's partners in one role, in their order. An organisation is a partner in
    one role only, so one listed in two of the columns is a row error."""

    ordered = True

    def __init__(self, role):
        # Each role its own attribute, so that row errors are told apart by column.
        super().__init__(
            f"{role}_partners",
            PARTNER_COLUMNS[role],
            widget=organisations(),
            key="name",
            link=(ProjectPartner, "project", "organisation"),
        )
        self.role = role

    def stored_rows(self, pks):
        partners = ProjectPartner.objects.filter(project__in=pks, role=self.role)
        return partners.order_by("position", "organisation__name").values_list(
            "project", "organisation__name"
        )

    def related(self, project):
        return [p.organisation for p in project.partnerships.all() if p.role == self.role]

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not is_m2m:
            mine = set(self.clean(row, **kwargs))
            for role, column in PARTNER_COLUMNS.items():
                if role == self.role:
                    break
                # The columns before this one are saved already; one with an error is not.
                theirs = set(_listed(instance).get(f"{role}_partners", []))
                if twice := mine & theirs:
                    raise ValueError(
                        gettext("“%(names)s” also in “%(column)s”: list each partner once.")
                        % {"names": "”, “".join(sorted(o.name for o in twice)), "column": column}
                    )
        super().save(instance, row, is_m2m, **kwargs)

    def write(self, instances):
        """Give each project the partners listed in this role, in their order: a partner in
        another role before moves to this one, and one no longer listed in it goes."""
        wanted = {
            pk: {
                organisation.pk: (position, organisation)
                for position, organisation in enumerate(items)
            }
            for pk, items in self.wanted(instances).items()
        }
        written = Written()
        if not wanted:
            return written
        there = set()
        partners = ProjectPartner.objects.filter(project__in=wanted).select_related("organisation")
        for partner in partners:
            listed = wanted[partner.project_id].get(partner.organisation_id)
            if listed is None:
                if partner.role == self.role:
                    written.deleted.append(partner)
                continue
            there.add((partner.project_id, partner.organisation_id))
            if (partner.role, partner.position) != (self.role, listed[0]):
                old = copy(partner)
                partner.role, partner.position = self.role, listed[0]
                written.updated.append((old, partner))
        if written.deleted:
            ProjectPartner.objects.filter(pk__in=[p.pk for p in written.deleted]).delete()
        bulk_write.update(
            ProjectPartner, [new for _old, new in written.updated], ["role", "position"]
        )
        written.created = bulk_write.insert(
            ProjectPartner,
            (
                ProjectPartner(
                    project_id=pk, organisation=organisation, role=self.role, position=position
                )
                for pk, listed in wanted.items()
                for organisation_pk, (position, organisation) in listed.items()
                if (pk, organisation_pk) not in there
            ),
        )
        return written


class FundingWidget(NaturalKeyListWidget):
    """Funders named as organisations are, each followed by its programme after a colon:
    "European Commission: Rights, Equality and Citizenship Programme; Swedish Institute"."""

    def keys(self, value):
        return [item.partition(":")[0].strip() for item in super().keys(value)]

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


class FundersField(RelatedRowsField):
    """The project's funders, each with its programme, in their order, as (funder's name,
    programme)."""

    ordered = True

    def __init__(self):
        super().__init__(
            "fundings",
            "Funders",
            widget=organisations(FundingWidget),
            key="funder",
            link=(ProjectFunding, "project", "funder"),
        )

    def key_of(self, item):
        funder, programme = item
        return (getattr(funder, "name", funder), programme)

    def stored_rows(self, pks):
        fundings = ProjectFunding.objects.filter(project__in=pks)
        rows = fundings.order_by("position", "funder__name").values_list(
            "project", "funder__name", "programme"
        )
        return [(project, (name, programme)) for project, name, programme in rows]

    def related(self, instance):
        return [(funding.funder.name, funding.programme) for funding in instance.fundings.all()]

    def write(self, instances):
        """Give each project the fundings listed, in their order, and no other."""
        wanted = self.wanted(instances)
        written = Written()
        if not wanted:
            return written
        fundings = ProjectFunding.objects.filter(project__in=wanted).select_related("funder")
        there = {(f.project_id, f.funder_id, f.programme): f for f in fundings}
        added = []
        for pk, items in wanted.items():
            # The same funder and programme named twice (by name, then acronym) once.
            listed = dict.fromkeys((funder, programme) for funder, programme in items)
            for position, (funder, programme) in enumerate(listed):
                funding = there.pop((pk, funder.pk, programme), None)
                if funding is None:
                    added.append(
                        ProjectFunding(
                            project_id=pk, funder=funder, programme=programme, position=position
                        )
                    )
                elif funding.position != position:
                    old = copy(funding)
                    funding.position = position
                    written.updated.append((old, funding))
        written.deleted = list(there.values())
        if written.deleted:
            ProjectFunding.objects.filter(pk__in=[f.pk for f in written.deleted]).delete()
        ProjectFunding.objects.bulk_update([new for _old, new in written.updated], ["position"])
        written.created = ProjectFunding.objects.bulk_create(added)
        return written


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
    topics = topics_field(Project)
    countries = RelatedRowsField.many_to_many(
        Project,
        "countries",
        "Countries",
        widget=NaturalKeyListWidget(Country, names=("name",), hint=COUNTRY_HINT),
        key="code",
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

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The phases the file's rows give so far, {its pk: (row, its first project)}, and
        # the first projects they name, {its pk: (row, one of its phases)}.
        self.phases_on_file, self.firsts_on_file = {}, {}

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.parent_id is not None:
            self.check_phase_on_file(instance, kwargs["row_number"])

    def check_phase_on_file(self, project, number):
        """Phases are one level deep among the file's rows too: `Project.clean` reads the
        projects on file, which a bulk import writes only once every row is read."""
        first = project.parent
        if first.pk in self.phases_on_file:
            row, its_first = self.phases_on_file[first.pk]
            message = gettext(
                "Row %(row)d makes “%(parent)s” a phase of “%(first)s”. Choose “%(first)s”: "
                "all the phases of a project belong to its first one."
            ) % {"row": sheet_row(row), "parent": first, "first": its_first}
        elif project.pk is not None and project.pk in self.firsts_on_file:
            row, phase = self.firsts_on_file[project.pk]
            message = gettext(
                "Row %(row)d makes “%(phase)s” a phase of this project, so it cannot become a "
                "phase of “%(parent)s”."
            ) % {"row": sheet_row(row), "phase": phase, "parent": first}
        else:
            if project.pk is not None:
                self.phases_on_file[project.pk] = (number, first)
            self.firsts_on_file.setdefault(first.pk, (number, project))
            return
        raise ValidationError({self.fields["parent"].column_name: message})
