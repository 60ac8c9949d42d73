import factory
from django.utils import timezone

from network.models import CURRENT_CONSENT_VERSION, ContactPoint


class ContactPointFactory(factory.django.DjangoModelFactory):
    """An entry waiting for its e-mail confirmation; the subclasses are the later states."""

    class Meta:
        model = ContactPoint

    first_name = factory.Sequence(lambda n: f"Firstname{n}")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    organisation = "Example Child Welfare Office"
    country = "FI"
    profession = ContactPoint.Profession.CHILD_WELFARE
    job_title = "Social worker"
    consent_version = CURRENT_CONSENT_VERSION
    consent_given_at = factory.LazyFunction(timezone.now)


class AwaitingReviewContactPointFactory(ContactPointFactory):
    status = ContactPoint.Status.AWAITING_REVIEW
    confirmed_at = factory.LazyFunction(timezone.now)


class ApprovedContactPointFactory(AwaitingReviewContactPointFactory):
    status = ContactPoint.Status.APPROVED
    decided_at = factory.LazyFunction(timezone.now)


class RejectedContactPointFactory(AwaitingReviewContactPointFactory):
    status = ContactPoint.Status.REJECTED
    decided_at = factory.LazyFunction(timezone.now)
    reject_reason = "Not working with children."
