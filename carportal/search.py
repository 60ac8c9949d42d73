"""What a visitor typed into a search box, cut down to a search that costs a bounded amount."""

from typing import NamedTuple

# Each word becomes a condition on several columns: thousands of them once held a worker for
# ten seconds. Ten words and 200 characters are more than any real search needs.
MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 200


class SearchTerms(NamedTuple):
    words: list[str]
    truncated: bool  # part of the query was dropped, and the page should say so


def search_terms(value):
    """The distinct words (ignoring case) of the start of ``value``, and whether any were dropped.

    Only the first MAX_SEARCH_LENGTH characters are read, so the cost stays linear however long
    the query string is.
    """
    value = value.strip()
    distinct = {}
    for word in value[:MAX_SEARCH_LENGTH].split():
        distinct.setdefault(word.casefold(), word)
    words = list(distinct.values())
    truncated = len(words) > MAX_SEARCH_WORDS or len(value) > MAX_SEARCH_LENGTH
    return SearchTerms(words[:MAX_SEARCH_WORDS], truncated)
