"""Suppression worked out by hand: primary "<5", and the secondary cells that stop subtraction recovering it."""

from fitforwork.evaluation.suppression import PRIMARY, SECONDARY, suppress, suppress_cells


def test_counts_from_one_to_four_are_shown_as_under_five_and_zero_is_shown():
    assert suppress_cells({"a": 0, "b": 4, "c": 5, "d": 1}) == {"a": 0, "b": PRIMARY, "c": 5, "d": PRIMARY}


def test_a_lone_suppressed_cell_takes_the_smallest_other_non_zero_cell_with_it():
    # Total 3 + 7 + 20 = 30 is known: hiding only the 3 would leave it as 30 - 7 - 20.
    assert suppress_cells({"gp": 20, "self": 3, "employer": 7, "jobcentre": 0}) == {
        "gp": 20, "self": PRIMARY, "employer": SECONDARY, "jobcentre": 0,
    }  # fmt: skip


def test_two_suppressed_cells_need_no_more():
    # 2 and 3 hidden: their sum (5) can be worked out, but not either count.
    assert suppress_cells({"a": 2, "b": 3, "c": 40}) == {"a": PRIMARY, "b": PRIMARY, "c": 40}


def test_a_share_with_a_small_numerator_or_complement_is_hidden():
    report = {
        "measures": {},
        "small": {"numerator": 3, "denominator": 50, "percent": 6.0, "ci_low": 2.1, "ci_high": 16.2},
        "complement": {"numerator": 47, "denominator": 50, "percent": 94.0, "ci_low": 83.8, "ci_high": 97.9},
        "fine": {"numerator": 30, "denominator": 50, "percent": 60.0, "ci_low": 46.2, "ci_high": 72.4},
    }
    out = suppress(report)
    assert out["small"] == {"numerator": PRIMARY, "denominator": 50, "percent": "*", "ci_low": "*", "ci_high": "*"}
    # 47 of 50: the 3 not in work could be worked out from 50 - 47
    assert out["complement"]["numerator"] == SECONDARY
    assert out["complement"]["percent"] == SECONDARY
    assert out["fine"] == report["fine"]
    assert report["small"]["numerator"] == 3  # the evaluator's copy is untouched


def test_excluded_records_and_the_denominator_are_one_table():
    # n 40 + still open 2 + not assessed 9 = the group's 51 referrals, shown elsewhere: the 2 and the 9 go.
    out = suppress({"measures": {}, "m": {"n": 40, "excluded": {"still_open": 2, "not_assessed": 9}}})
    assert out["m"] == {"n": 40, "excluded": {"still_open": PRIMARY, "not_assessed": SECONDARY}}


def test_a_median_of_under_five_records_is_hidden():
    out = suppress({"measures": {}, "m": {"n": 3, "median_working_days": 4.0, "excluded": {}}})
    assert out["m"] == {"n": PRIMARY, "median_working_days": SECONDARY, "excluded": {}}


def test_groups_of_a_breakdown_add_up_so_one_hidden_group_hides_the_next_smallest():
    # Sites' numerators 2, 10, 30 add up to the overall 42, which is shown.
    def share(numerator, denominator):
        return {"numerator": numerator, "denominator": denominator, "percent": round(100 * numerator / denominator, 1)}

    report = {
        "measures": {
            "returned_to_work": {
                **share(42, 100),
                "by": {"site": {"A": share(2, 10), "B": share(10, 40), "C": share(30, 50)}},
            }
        }
    }
    sites = suppress(report)["measures"]["returned_to_work"]["by"]["site"]
    assert sites["A"]["numerator"] == PRIMARY
    assert sites["A"]["percent"] == SECONDARY
    assert sites["B"]["numerator"] == SECONDARY
    assert sites["B"]["percent"] == SECONDARY
    assert sites["C"] == share(30, 50)
