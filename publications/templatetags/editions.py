from django import template

register = template.Library()


@register.filter
def editions_titled(publication, query):
    """``Publication.editions_titled``, which a template cannot call with an argument."""
    return publication.editions_titled(query)
