"""The risk level as a tag that can sit inside a translated sentence:
``{% risk_tag assessment.level as tag %}`` then ``{{ tag }}`` in a ``blocktranslate``."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def risk_tag(level, label=""):
    return render_to_string("clients/_risk_tag.html", {"level": level, "label": label})
