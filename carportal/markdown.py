"""Markdown for the long texts staff write: headings, lists, links, emphasis.

markdown-it-py renders CommonMark with raw HTML off (typed HTML shows as text) and images
off (files come through the portal's own uploads); nh3 then keeps only the tags and link
schemes below, so no script, event handler or ``javascript:`` link reaches a page or a PDF,
whatever the renderer lets through. The same functions serve pages and PDFs.
"""

import nh3
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")

INLINE_TAGS = {"a", "strong", "em", "code", "br"}
BLOCK_TAGS = INLINE_TAGS | {"p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr"}
URL_SCHEMES = {"http", "https", "mailto"}
# A text sits under the page's own h1 and h2: its "# Heading" is an h3.
HEADING_SHIFT = 2


def _clean(html, tags):
    return mark_safe(  # nh3 has just sanitised it
        nh3.clean(
            html,
            tags=tags,
            attributes={"a": {"href", "title"}},
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def render(text):
    """`text` as safe HTML blocks (paragraphs, lists, headings from h3)."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return _clean(_markdown.renderer.render(tokens, _markdown.options, {}), BLOCK_TAGS)


def render_inline(text):
    """One line of `text` as safe inline HTML (emphasis, links): an item of a list."""
    return _clean(_markdown.renderInline(text or ""), INLINE_TAGS)


HINT = _(
    "Markdown: **bold**, *italic*, [a link](https://example.org), lines starting with “- ” "
    "for a list, “## ” for a heading; an empty line starts a new paragraph."
)
INLINE_HINT = _("Markdown within a line: **bold**, *italic*, [a link](https://example.org).")


class MarkdownField(models.TextField):
    """A long text written in Markdown; the admin says so beside it."""

    def __init__(self, *args, inline=False, **kwargs):
        self.inline = inline
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.inline:
            kwargs["inline"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        hint = INLINE_HINT if self.inline else HINT
        field.help_text = format_lazy("{} {}", field.help_text, hint) if field.help_text else hint
        return field
