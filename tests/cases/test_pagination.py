from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.cases.pagination import BadCursor, SortKey, decode_cursor, encode_cursor, page_links, paginate
from tests.cases.test_worklists import make_cases


@pytest.fixture
def cases(workwell_site, case_manager):
    """Seven cases: three opened at the very same moment (so only the id tells them apart), then four more."""
    made = make_cases(workwell_site, case_manager, 7)
    base = timezone.now() - timedelta(days=30)
    for number, case in enumerate(made):
        Case.objects.filter(pk=case.pk).update(opened_at=base + timedelta(days=max(0, number - 2)))
    return Case.objects.all()


def _walk_forward(queryset, keys, size):
    seen, after = [], ""
    while True:
        page = paginate(queryset, keys=keys, after=after, size=size)
        seen.extend(case.pk for case in page.items)
        if not page.has_next:
            return seen
        after = page.next_cursor


@pytest.mark.parametrize("size", [1, 2, 3, 7, 10])
@pytest.mark.parametrize("descending", [False, True])
def test_walking_every_page_visits_each_row_once_in_sort_order_even_with_ties(cases, size, descending):
    keys = [SortKey("opened_at", descending=descending)]
    expected = list(
        cases.order_by("-opened_at" if descending else "opened_at", "-id" if descending else "id").values_list(
            "pk", flat=True
        )
    )
    assert _walk_forward(cases, keys, size) == expected


def test_previous_goes_back_to_exactly_the_page_before(cases):
    keys = [SortKey("opened_at")]
    first = paginate(cases, keys=keys, size=3)
    second = paginate(cases, keys=keys, after=first.next_cursor, size=3)
    back = paginate(cases, keys=keys, before=second.previous_cursor, size=3)
    assert [case.pk for case in back.items] == [case.pk for case in first.items]
    assert not back.has_previous
    assert back.has_next
    assert not first.has_previous
    assert second.has_previous


def test_the_last_page_has_no_next_link(cases):
    keys = [SortKey("opened_at")]
    page = paginate(cases, keys=keys, size=5)
    last = paginate(cases, keys=keys, after=page.next_cursor, size=5)
    assert len(last.items) == 2
    assert not last.has_next
    assert page_links(last, {"after": page.next_cursor, "status": "open"}).keys() == {"previous"}


def test_every_page_is_one_select_and_the_same_statements_whatever_its_size_and_position(cases):
    keys = [SortKey("opened_at")]
    statements = set()
    for size, pages_in in [(1, 0), (1, 4), (3, 0), (3, 1), (25, 0), (100, 0)]:
        after = ""
        for _ in range(pages_in):
            after = paginate(cases, keys=keys, after=after, size=size).next_cursor
        with CaptureQueriesContext(connection) as queries:
            paginate(cases, keys=keys, after=after, size=size)
        selects = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1
        statements.add(len(queries))
    assert len(statements) == 1


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        encode_cursor(["2026-01-01"]),
        "W1tdXQ",
        "!!!",
        # The right shape, but values that are not a time and an id.
        encode_cursor(["notadate", "x"]),
        encode_cursor([5, True]),
    ],
)
def test_a_cursor_edited_by_hand_gives_the_first_page_not_an_error(cases, cursor):
    keys = [SortKey("opened_at")]
    assert paginate(cases, keys=keys, after=cursor, size=3).items == paginate(cases, keys=keys, size=3).items


def test_a_cursor_keeps_datetimes_to_the_microsecond():
    moment = timezone.now().replace(microsecond=123456)
    assert decode_cursor(encode_cursor([moment, 5]), 2) == [moment.isoformat(), 5]
    with pytest.raises(BadCursor):
        decode_cursor(encode_cursor([moment]), 2)


def test_page_links_keep_the_filters_and_replace_the_cursor(cases):
    page = paginate(cases, keys=[SortKey("opened_at")], size=2)
    links = page_links(page, {"status": "assessed", "after": "old", "risk": ""})
    assert links["next"]["href"] == f"?status=assessed&after={page.next_cursor}"
    assert "previous" not in links
