import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from network.models import ContactPoint, IllegalTransition
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
    RejectedContactPointFactory,
)

pytestmark = pytest.mark.django_db


def test_an_email_address_is_unique_whatever_its_case_in_the_database():
    ContactPointFactory(email="Anna.Virtanen@example.org")

    with pytest.raises(IntegrityError):
        ContactPointFactory(email="anna.virtanen@EXAMPLE.org")


def test_an_email_address_is_unique_whatever_its_case_in_validation():
    ContactPointFactory(email="Anna.Virtanen@example.org")

    with pytest.raises(ValidationError, match="with this e-mail address exists"):
        ContactPointFactory.build(email="anna.virtanen@example.org").full_clean()


def test_a_decision_needs_a_date():
    with pytest.raises(IntegrityError):
        ApprovedContactPointFactory(decided_at=None)


def test_a_phone_number_is_stored_in_e164():
    entry = ContactPointFactory(phone="+358 9 1234 5678")
    entry.refresh_from_db()

    assert str(entry.phone) == "+358912345678"


def test_a_country_is_any_iso_3166_country():
    entry = ContactPointFactory(country="IT")

    entry.full_clean()
    assert entry.country.name == "Italy"


def test_the_vetting_steps_follow_each_other(django_user_model):
    staff = django_user_model.objects.create_user("reviewer", is_staff=True)
    entry = ContactPointFactory()

    entry.confirm()
    assert entry.status == ContactPoint.Status.AWAITING_REVIEW
    assert entry.confirmed_at is not None
    entry.approve(by=staff)
    entry.save()

    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.APPROVED
    assert entry.decided_by == staff
    assert entry.decided_at is not None


@pytest.mark.parametrize(
    ("factory", "step"),
    [
        (ContactPointFactory, "approve"),
        (ContactPointFactory, "reject"),
        (AwaitingReviewContactPointFactory, "confirm"),
        (ApprovedContactPointFactory, "reject"),
        (ApprovedContactPointFactory, "confirm"),
        (RejectedContactPointFactory, "approve"),
    ],
)
def test_a_vetting_step_out_of_order_is_refused(factory, step):
    entry = factory()
    status = entry.status
    arguments = {"confirm": {}, "approve": {"by": None}, "reject": {"by": None, "reason": "x"}}

    with pytest.raises(IllegalTransition):
        getattr(entry, step)(**arguments[step])
    assert entry.status == status
