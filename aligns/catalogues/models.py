"""The fixed lists every scheme reports against: what patients need help with (which
volunteers offer as skills and log as activities) and the risks wards know of.

Rows, not choices, so the database can count them. The tables keep the names they had when
the lists lived with referrals (the data did not move with the code).
"""

from django.db import models
from django.utils.translation import gettext


class CatalogueItem(models.Model):
    """A fixed list a scheme reports on (needs, risks): rows, so the database can count them."""

    code = models.SlugField(max_length=40, primary_key=True)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self):
        return self.shown

    @property
    def shown(self):
        """The name in the reader's language. The stored label is the English name from
        aligns/catalogues/lists.py, marked there for translating: the lists are fixed, so
        their Welsh lives in the catalogue of translations, not in a second column."""
        return gettext(self.label)


class Need(CatalogueItem):
    """What a patient needs help with; volunteers offer the same list as skills and activities."""

    class Meta(CatalogueItem.Meta):
        db_table = "referrals_need"


class KnownRisk(CatalogueItem):
    """A risk the ward knows of that the scheme should plan for."""

    OTHER = "other"

    class Meta(CatalogueItem.Meta):
        db_table = "referrals_knownrisk"
