"""URL converters that match only what the database can hold.

A path segment that no row could have is not found (404) before any query runs: a NUL byte or an
unknown language code in a text column, or a number beyond a big integer, otherwise reaches
PostgreSQL and comes back as a server error. Importing this module registers them once, as
``<slugfield:…>``, ``<pk:…>`` and ``<language:…>``; every app's urls.py imports it.
"""

from django.db import models
from django.urls import register_converter
from django.urls.converters import IntConverter, StringConverter

from carportal.models import Language


class SlugConverter(StringConverter):
    """A slug no longer than a SlugField holds."""

    regex = f"[-a-zA-Z0-9_]{{1,{models.SlugField().max_length}}}"


class PrimaryKeyConverter(IntConverter):
    """A positive number that fits the primary key (a BigAutoField)."""

    regex = "[0-9]{1,19}"
    max_value = 2**63 - 1

    def to_python(self, value):
        number = int(value)
        if number > self.max_value:
            raise ValueError("beyond a big integer")  # Django reads ValueError as no match
        return number


class LanguageConverter(StringConverter):
    """One of the language codes that editions and documents are stored under."""

    regex = "|".join(Language.values)


register_converter(SlugConverter, "slugfield")
register_converter(PrimaryKeyConverter, "pk")
register_converter(LanguageConverter, "language")
