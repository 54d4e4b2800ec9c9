"""Users, orgs and repositories through PyGithub, unmodified."""

from __future__ import annotations

import pytest
from github import Github, GithubException

from sandbox.seeding import SeedResult, ensure_member


def test_user_and_org_are_visible_to_their_token(instructor: Github, school: SeedResult):
    me = instructor.get_user()
    assert me.login == school.instructor.login
    org = instructor.get_organization("school")
    assert org.login == "school"
    assert [m.login for m in org.get_members()] == [school.instructor.login]


def test_create_get_update_and_list_org_repos(instructor: Github):
    org = instructor.get_organization("school")
    created = org.create_repo("hello", private=True, description="first", auto_init=True)
    assert created.full_name == "school/hello"
    assert created.default_branch == "main"
    created.edit(is_template=True, archived=True)
    again = instructor.get_repo("school/hello")
    assert again.is_template and again.archived and again.private
    assert [r.name for r in org.get_repos()] == ["hello"]


def test_listing_paginates_with_link_headers(instructor: Github):
    org = instructor.get_organization("school")
    for i in range(5):
        org.create_repo(f"r{i}")
    instructor.per_page = 2
    names = [r.name for r in instructor.get_organization("school").get_repos()]
    assert names == [f"r{i}" for i in range(5)]


def test_generate_copies_template_content_in_one_fresh_commit(instructor: Github):
    org = instructor.get_organization("school")
    template = org.create_repo("starter", auto_init=True, is_template=True)
    generated = org.create_repo_from_template("alice-hw1", template, private=True)
    assert generated.template_repository.full_name == "school/starter"
    commits = list(generated.get_commits())
    assert len(commits) == 1
    assert commits[0].sha != template.get_commits()[0].sha
    assert generated.get_contents("README.md").decoded_content == b"# starter\n"


def test_private_repo_is_404_for_outsider_and_403_for_reader_writes(
    instructor: Github, learner: Github
):
    instructor.get_organization("school").create_repo("secret", private=True)
    with pytest.raises(GithubException) as hidden:
        learner.get_repo("school/secret")
    assert hidden.value.status == 404


def test_bad_token_is_401_with_github_message(running):
    gh = running.github("ghp_not_a_token")
    with pytest.raises(GithubException) as exc:
        gh.get_user().login  # noqa: B018 -- the property fetch is the request under test
    assert exc.value.status == 401
    assert exc.value.data["message"] == "Bad credentials"


def test_duplicate_name_is_422(instructor: Github):
    org = instructor.get_organization("school")
    org.create_repo("twice")
    with pytest.raises(GithubException) as exc:
        org.create_repo("twice")
    assert exc.value.status == 422


def test_org_invitation_counts_once_accepted(
    instructor: Github, learner: Github, school: SeedResult
):
    login = school.learners[0].login
    org = instructor.get_organization("school")
    org.add_to_members(learner.get_user(login), role="member")
    assert [m.login for m in org.get_members()] == [school.instructor.login]
    membership = learner.get_user().get_organization_membership("school")
    assert membership.state == "pending"
    learner.requester.requestJsonAndCheck(  # PyGithub cannot accept; its raw requester can
        "PATCH", "/user/memberships/orgs/school", input={"state": "active"}
    )
    assert sorted(m.login for m in org.get_members()) == sorted([school.instructor.login, login])


def test_topics_round_trip(instructor: Github):
    repo = instructor.get_organization("school").create_repo("t")
    repo.replace_topics(["hw1", "cs101"])
    assert instructor.get_repo("school/t").get_topics() == ["cs101", "hw1"]


def test_org_member_is_added_without_an_invitation(running, instructor: Github, school: SeedResult):
    member = school.learners[0].login
    ensure_member(running.sandbox, "school", member, "member")
    repo = instructor.get_organization("school").create_repo("team", private=True)
    assert repo.add_to_collaborators(member, "push") is None  # 204: no invitation
    assert [i.invitee.login for i in repo.get_pending_invitations()] == []
    assert repo.get_collaborator_permission(member) == "write"
