from django.apps import AppConfig


class CataloguesConfig(AppConfig):
    name = "aligns.catalogues"
    label = "catalogues"
    verbose_name = "Catalogues"
