from django import template

from carportal import markdown as renderer

register = template.Library()


@register.filter
def markdown(text):
    """A long text written in Markdown, sanitised (carportal/markdown.py)."""
    return renderer.render(text)


@register.filter
def markdown_inline(text):
    """One line written in Markdown (an item of a list), sanitised."""
    return renderer.render_inline(text)
