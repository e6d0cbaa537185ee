"""Clients: the people the scheme supports. (Assessments and outcome measures come later.)"""

from django.db import models
from simple_history.models import HistoricalRecords

from aligns.accounts.models import Role
from aligns.nhs import format_nhs_number


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators and managers see their scheme's clients; others none (for now)."""
        if not user.is_authenticated or not user.scheme_id:
            return self.none()
        if user.role in (Role.COORDINATOR, Role.MANAGER):
            return self.filter(scheme_id=user.scheme_id)
        return self.none()


class Client(models.Model):
    """One person in one scheme, found again by NHS number when they are referred again."""

    scheme = models.ForeignKey("accounts.Scheme", on_delete=models.PROTECT, related_name="clients")
    nhs_number = models.CharField("NHS number", max_length=10)
    nhs_number_verified = models.BooleanField("NHS number verified", default=False)
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    date_of_birth = models.DateField()
    address_line_1 = models.CharField("address line 1", max_length=200)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    postcode = models.CharField(max_length=8)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "nhs_number"], name="client_nhs_number_unique_in_scheme"
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self):
        return format_nhs_number(self.nhs_number)
