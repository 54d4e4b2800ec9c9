"""The one gateway to GitHub: every API call of the orchestrator goes through `GitHub`.

PyGithub does the HTTP; this package decides what may be retried (see `core`). Everything
PyGithub-shaped stays inside it: the rest of the orchestrator sees only `GitHub` and the
small frozen values in `records`.

- `transport`: counting retry and connections, error classification, messages, scopes
- `records`: the frozen values handed out, and how each is read from GitHub's JSON
- `core`: the session and the read/write primitives (writes never blindly replayed)
- `repos`, `people`, `issues`, `checks`, `secrets`, `activity`, `actions`: the operations,
  by API area; `graphql`: batched reads of up to 100 repositories per query
- `client`: `GitHub` composed of those areas; `find_token` and `connect`
"""

from orchestrator.gateway.client import GitHub, connect, find_token, token_from
from orchestrator.gateway.graphql import Batch, GraphQLUnavailable
from orchestrator.gateway.records import (
    ArtifactInfo,
    Branch,
    CheckRunInfo,
    CommentInfo,
    Conditional,
    IssueInfo,
    JobInfo,
    Membership,
    Push,
    RepoInfo,
    Request,
    RunInfo,
)
from orchestrator.gateway.transport import AuthError, GatewayError, missing_scopes

__all__ = [
    "ArtifactInfo",
    "AuthError",
    "Batch",
    "Branch",
    "CheckRunInfo",
    "CommentInfo",
    "Conditional",
    "GatewayError",
    "GitHub",
    "GraphQLUnavailable",
    "IssueInfo",
    "JobInfo",
    "Membership",
    "Push",
    "RepoInfo",
    "Request",
    "RunInfo",
    "connect",
    "find_token",
    "missing_scopes",
    "token_from",
]
