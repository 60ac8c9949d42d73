import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_project_is_not_a_phase_of_itself_in_a_form_nor_in_the_database():
    project = ProjectFactory()
    project.parent = project

    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.message_dict == {"parent": ["A project cannot be a phase of itself."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_a_phase_can_move_to_another_first_project():
    first, other = ProjectFactory(), ProjectFactory()
    phase = ProjectFactory(parent=first)

    phase.parent = other
    phase.full_clean()
