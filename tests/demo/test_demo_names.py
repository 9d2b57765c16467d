"""The word lists feed PostgreSQL's COPY text format, which would misread tabs, newlines and backslashes."""

from fitforwork.demo import names


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def test_no_demo_word_holds_a_character_copy_would_misread():
    words = [word for name in dir(names) if name.isupper() for word in _strings(getattr(names, name))]

    assert len(words) > 500
    assert not [word for word in words if set(word) & {"\t", "\n", "\r", "\\"}]
    # COPY reads a value that is exactly None as null (the writer's null marker).
    assert "None" not in words
