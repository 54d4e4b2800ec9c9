"""What the report may say about a learner's test that ran against the reference solution,
and how an instructor's bugs folder is read (graders.model.own_tests, graders.running.bugs):
pure parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.model.assignment import TestQualityStage as QualitySpec
from graders.model.own_tests import finding, own_files, vouched_name
from graders.running.bugs import BadBugs, load_bugs

SOURCES = {
    "regression_tests/test_orders.py": (
        "import pytest\n\n\nclass TestPaging:\n    def test_limit_zero(self, client):\n"
        "        assert client.get('/orders?limit=0').status_code == 400\n\n\n"
        "@pytest.mark.parametrize('q', ['%'])\ndef test_search(q):\n    assert q\n"
    )
}
FAILURE = (
    "self = <TestPaging object>\n\n    def test_limit_zero(self, client):\n"
    ">       assert client.get('/orders?limit=0').status_code == 400\n"
    "E       assert 200 == 400\n\nregression_tests/test_orders.py:6: AssertionError"
)


def test_a_test_is_named_by_what_its_file_defines() -> None:
    node = "regression_tests/test_orders.py::TestPaging::test_limit_zero"
    assert vouched_name(node, SOURCES) == (node, "regression_tests/test_orders.py")


def test_names_computed_while_running_are_never_shown() -> None:
    named, _ = vouched_name("regression_tests/test_orders.py::test_search[SELECT *]", SOURCES)
    assert named == "regression_tests/test_orders.py::test_search (one of its parametrized cases)"
    forged = "regression_tests/test_orders.py::test_WHERE_customer_id"
    assert vouched_name(forged, SOURCES)[0] == "a test in regression_tests/test_orders.py"
    assert vouched_name("app/orders.py::secret", SOURCES)[0] == "one of your tests"


def test_a_finding_quotes_the_learners_line_and_pythons_exception_only() -> None:
    node = "regression_tests/test_orders.py::TestPaging::test_limit_zero"
    found = finding(node, "failed", FAILURE, SOURCES)
    assert (found.exception, found.line) == ("AssertionError", 6)
    assert found.source == "assert client.get('/orders?limit=0').status_code == 400"
    made_up = FAILURE.replace(": AssertionError", ": SELECT_FROM_orders")
    assert finding(node, "failed", made_up, SOURCES).exception == "an exception"
    beyond = FAILURE.replace("test_orders.py:6:", "test_orders.py:999:")
    assert finding(node, "failed", beyond, SOURCES).line is None


def test_the_public_tests_are_not_the_learners_own(tmp_path: Path) -> None:
    starter, submission = tmp_path / "starter", tmp_path / "submission"
    for root in (starter, submission):
        (root / "tests").mkdir(parents=True)
        (root / "tests" / "test_public.py").write_text("def test_x(): pass\n")
        (root / "tests" / "conftest.py").write_text("")
    (submission / "tests" / "test_mine.py").write_text("def test_y(): pass\n")
    assert own_files(submission, ["tests"], starter) == ["tests/conftest.py", "tests/test_mine.py"]


def test_every_patch_needs_a_one_line_description(tmp_path: Path) -> None:
    (tmp_path / "01-off-by-one.patch").write_text("")
    (tmp_path / "02-wrong-status.patch").write_text("")
    (tmp_path / "bugs.toml").write_text('"01-off-by-one" = "pages overlap"\n"03-gone" = "x"\n')
    with pytest.raises(BadBugs) as raised:
        load_bugs(tmp_path)
    assert "02-wrong-status.patch has no description" in str(raised.value)
    assert "03-gone has no 03-gone.patch" in str(raised.value)


def test_bugs_load_in_name_order_with_their_lines(tmp_path: Path) -> None:
    for name in ("02-b", "01-a"):
        (tmp_path / f"{name}.patch").write_text("")
    (tmp_path / "bugs.toml").write_text('"02-b" = "second"\n"01-a" = "first"\n')
    assert [(b.name, b.description) for b in load_bugs(tmp_path)] == [
        ("01-a", "first"),
        ("02-b", "second"),
    ]


def test_nothing_is_read_through_a_link(tmp_path: Path) -> None:
    """A learner's link to a folder elsewhere would have the grader read and quote it."""
    secret, submission = tmp_path / "elsewhere", tmp_path / "submission"
    secret.mkdir()
    (secret / "test_x.py").write_text("SECRET = 1\n")
    submission.mkdir()
    (submission / "regression_tests").symlink_to(secret)
    assert own_files(submission, ["regression_tests"], tmp_path / "starter") == []
    (submission / "regression_tests").unlink()
    (submission / "regression_tests").mkdir()
    (submission / "regression_tests" / "inner").symlink_to(secret)
    (submission / "regression_tests" / "test_mine.py").write_text("def test_y(): pass\n")
    found = own_files(submission, ["regression_tests"], tmp_path / "starter")
    assert found == ["regression_tests/inner", "regression_tests/test_mine.py"]


@pytest.mark.parametrize("path", [".", "", "../x", "/abs"])
def test_the_learners_tests_must_be_a_folder_of_the_submission(path: str) -> None:
    with pytest.raises(ValueError, match="name the folder of the learner's own tests"):
        QualitySpec(paths=[path])
