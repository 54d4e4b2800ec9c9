"""Chart geometry: pure numbers, checked against what each chart must show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from small_class import AS_OF, graded

from basis.errors import UserError
from orchestrator.dashboard.charts import histogram, rate_bars, timeline
from orchestrator.dashboard.classinfo import load_class_info


def test_the_fullest_band_is_the_tallest_bar_and_empty_bands_are_flat() -> None:
    chart = histogram([0, 2, 4, 0, 0, 0, 0, 0, 0, 1], pass_percent=60)

    heights = [bar.height for bar in chart.bars]
    assert heights[2] == max(heights) and heights[2] > 0
    assert heights[1] == pytest.approx(heights[2] / 2, abs=0.1)
    assert heights[0] == heights[3] == 0
    assert [bar.label for bar in chart.bars][::9] == ["0-9%", "90-100%"]
    assert chart.good_from == 6 and chart.total == 7


def test_rate_bars_are_as_long_as_their_share() -> None:
    chart = rate_bars([("tests", 100.0), ("load", 25.0)])

    full, quarter = chart.bars
    assert quarter.width == pytest.approx(full.width / 4, abs=0.1)
    assert (full.value, quarter.value) == ("100%", "25%")


def test_a_timeline_places_pushes_in_time_order_and_marks_the_late_one() -> None:
    history = [graded("ada", "tasks-api", 4, 20), graded("ada", "tasks-api", 1, 80)]
    deadline = AS_OF - timedelta(days=2)

    chart = timeline(history, opens_at=AS_OF - timedelta(days=6), deadline=deadline,
                     pass_percent=60)  # fmt: skip

    early, late = chart.points
    assert chart.left < early.x < (chart.deadline_x or 0) < late.x <= chart.right
    assert late.y < chart.pass_y < early.y  # higher score, higher up (smaller y)
    assert (early.late, late.late) == (False, True)
    assert late.label.endswith("80% · practice · late")


def test_a_class_info_file_with_a_bad_field_names_it(tmp_path: Path) -> None:
    path = tmp_path / "class.json"
    path.write_text('{"course": "x", "learners": [{"login": "-bad-"}], "assignments": []}')

    with pytest.raises(UserError, match=r"class\.json: learners\.0\.login"):
        load_class_info(path)


def test_a_missing_class_info_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="leave --class-info out"):
        load_class_info(tmp_path / "nope.json")
