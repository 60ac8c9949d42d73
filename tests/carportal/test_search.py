import pytest

from carportal.search import MAX_SEARCH_LENGTH, search_terms


@pytest.mark.parametrize(
    ("value", "words", "truncated"),
    [
        ("", [], False),
        ("  child   protection ", ["child", "protection"], False),
        ("Oslo OSLO oslo conclusions Conclusions", ["Oslo", "conclusions"], False),
        ("a b c d e f g h i j", list("abcdefghij"), False),
        ("a b c d e f g h i j k", list("abcdefghij"), True),
        ("a A b B c C d D e E f F g G h H i I j J", list("abcdefghij"), False),
    ],
)
def test_search_terms_are_distinct_words_at_most_ten(value, words, truncated):
    assert search_terms(value) == (words, truncated)


def test_search_terms_read_only_the_first_characters():
    value = "x" * (MAX_SEARCH_LENGTH - 4) + " guide report"

    assert search_terms(value) == (["x" * (MAX_SEARCH_LENGTH - 4), "gui"], True)
    assert search_terms("y" * 1_000_000) == (["y" * MAX_SEARCH_LENGTH], True)
