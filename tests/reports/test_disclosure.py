"""The small-count rule: no count of people below 5, and no small count recovered by subtracting from a total."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    MASKED_TEXT,
    SMALL_TEXT,
    exact_count,
    exact_table,
    people_count,
    protect_partition,
    protect_shares,
)


def cells(*counts):
    return [(f"c{index}", f"Commune {index:02d}", count) for index, count in enumerate(counts)]


def shown(table) -> dict[str, str]:
    return {row.label: row.count.text for row in table.rows}


def test_counts_below_five_are_never_shown():
    assert [people_count(n).text for n in range(0, 7)] == [SMALL_TEXT] * 5 + ["5", "6"]
    assert people_count(3).value is None
    assert people_count(1234).text == "1\xa0234"
    assert people_count(3).csv_value == "< 5" and people_count(12).csv_value == "12"


def test_a_single_small_cell_is_not_left_alone_beside_its_total():
    table = protect_partition(cells(3, 20, 9, 30))

    assert shown(table) == {
        "Commune 00": SMALL_TEXT,
        "Commune 01": "20",
        "Commune 02": MASKED_TEXT,
        "Commune 03": "30",
    }
    assert table.total.text == "62"


def test_the_masked_cell_is_the_smallest_one_that_is_enough():
    # 1 hidden « < 5 » cell of 1: the masked one must be 8 or more, so 6 would not do.
    table = protect_partition(cells(1, 6, 8, 40))

    assert shown(table)["Commune 02"] == MASKED_TEXT
    assert shown(table)["Commune 01"] == "6"


def test_two_small_cells_that_hide_each_other_need_no_masked_cell():
    table = protect_partition(cells(1, 4, 12))

    assert shown(table) == {"Commune 00": SMALL_TEXT, "Commune 01": SMALL_TEXT, "Commune 02": "12"}


def test_two_cells_of_one_are_not_enough_to_hide_each_other():
    table = protect_partition(cells(1, 1, 12, 30))

    assert MASKED_TEXT in shown(table).values()


def test_a_total_below_five_withholds_the_detail():
    table = protect_partition(cells(1, 2))

    assert table.rows == [] and table.detail_withheld and table.total.text == SMALL_TEXT


def test_when_nothing_can_protect_the_table_the_detail_is_withheld():
    table = protect_partition(cells(1, 1, 5))

    assert table.rows == [] and table.detail_withheld and table.total.text == "7"


def test_hidden_rows_never_reveal_their_rank():
    table = protect_partition(cells(3, 50, 2, 12, 7), by_count=True)

    texts = [row.count.text for row in table.rows]
    first_hidden = next(index for index, text in enumerate(texts) if text in (SMALL_TEXT, MASKED_TEXT))
    assert all(text in (SMALL_TEXT, MASKED_TEXT) for text in texts[first_hidden:])
    hidden_labels = [row.label for row in table.rows[first_hidden:]]
    assert hidden_labels == sorted(hidden_labels)


def test_criteria_hide_small_counts_and_small_complements():
    table = protect_shares([("rsa", "RSA", 8), ("aah", "AAH", 2), ("ass", "ASS", 5)], population=10)

    assert shown(table) == {"RSA": MASKED_TEXT, "AAH": SMALL_TEXT, "ASS": "5"}
    assert table.total.text == "10"


def test_criteria_of_fewer_than_five_households_are_not_detailed():
    table = protect_shares([("rsa", "RSA", 4)], population=4)

    assert table.rows == [] and table.total.text == SMALL_TEXT


def _possible_values(table, counts) -> dict[str, set[int]]:
    """What someone who subtracts the shown cells from the total can say about each « < 5 » cell (brute force)."""
    hidden = [row for row in table.rows if not row.count.is_shown]
    rest = sum(counts[row.label] for row in hidden)  # = total − shown cells, which the reader can compute
    ranges = [range(1, 5) if row.count.text == SMALL_TEXT else range(5, rest + 1) for row in hidden]
    possible = {row.label: set() for row in hidden if row.count.text == SMALL_TEXT}
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            for row, value in zip(hidden, values, strict=True):
                if row.label in possible:
                    possible[row.label].add(value)
    return possible


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=14), min_size=1, max_size=6))
def test_subtracting_from_the_total_never_tells_more_than_below_five(counts):
    table = protect_partition(cells(*counts))
    by_label = {label: count for _key, label, count in cells(*counts)}

    assert all(row.count.value is None or row.count.value >= 5 for row in table.rows)
    if table.total.value is not None:
        assert table.total.value == sum(counts)
    for label, values in _possible_values(table, by_label).items():
        assert values == {1, 2, 3, 4}, f"{label}: {sorted(values)} ({counts})"


def test_exact_tables_show_every_count_as_it_is_for_coordinations_own_page():
    cells = [(1, "Raismes", 3), (2, "Denain", 20), (3, "Escaudain", 9), (4, "Wallers", 0)]
    partition = exact_table(cells, by_count=True)
    shown = [(row.label, row.count.text) for row in partition.rows]
    assert shown == [("Denain", "20"), ("Escaudain", "9"), ("Raismes", "3")]
    assert partition.total.text == "32" and not partition.has_small and not partition.has_masked

    shares = exact_table([("rsa", "RSA", 8), ("aah", "AAH", 0)], population=10)
    assert [(row.label, row.count.text) for row in shares.rows] == [("RSA", "8"), ("AAH", "0")]
    assert shares.total.text == "10"
    assert exact_count(1250).text == people_count(1250).text  # grouped like the published figures
