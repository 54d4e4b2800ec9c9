"""Publishing many files in one commit through the git data API, and compare."""

from __future__ import annotations

import pytest
from github import Github, GithubException, InputGitTreeElement


@pytest.fixture
def hw(instructor: Github):
    return instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)


def test_one_commit_with_many_files_then_move_the_branch(hw):
    main = hw.get_git_ref("heads/main")
    parent = hw.get_git_commit(main.object.sha)
    blob = hw.create_git_blob("print('hi')\n", "utf-8")
    tree = hw.create_git_tree(
        [
            InputGitTreeElement("src/app.py", "100644", "blob", sha=blob.sha),
            InputGitTreeElement(
                "tests/test_app.py", "100644", "blob", content="def test(): pass\n"
            ),
            InputGitTreeElement("README.md", "100644", "blob", sha=None),
        ],
        base_tree=parent.tree,
    )
    commit = hw.create_git_commit("publish", tree, [parent])
    main.edit(commit.sha)
    listing = hw.get_git_tree(commit.sha, recursive=True)
    assert sorted(e.path for e in listing.tree if e.type == "blob") == [
        "src/app.py",
        "tests/test_app.py",
    ]
    assert hw.get_git_blob(blob.sha).size == len("print('hi')\n")
    comparison = hw.compare(parent.sha, commit.sha)
    assert (comparison.status, comparison.ahead_by) == ("ahead", 1)
    assert sorted(f.status for f in comparison.files) == ["added", "added", "removed"]


def test_commit_on_a_missing_tree_is_422(hw):
    with pytest.raises(GithubException) as exc:
        hw._requester.requestJsonAndCheck(
            "POST", f"{hw.url}/git/commits", input={"message": "x", "tree": "f" * 40}
        )
    assert exc.value.status == 422
