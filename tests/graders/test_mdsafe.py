"""Instructor-written hints keep their `code` spans; everything else in them stays inert."""

from __future__ import annotations

import pytest

from graders.feedback.mdsafe import instructor_inline


@pytest.mark.parametrize(
    ("hint", "rendered"),
    [
        ("Return `next_cursor` as null.", "Return `next_cursor` as null."),
        ("`a` then `b`", "`a` then `b`"),
        ("an unpaired ` stays escaped", r"an unpaired \` stays escaped"),
        ("``double`` is not a span", r"\`\`double\`\` is not a span"),
        ("no <b>html</b> or @people", "no &lt;b&gt;html&lt;/b&gt; or @\u200bpeople"),
    ],
)
def test_hints_render_code_spans_and_nothing_else(hint, rendered):
    assert instructor_inline(hint) == rendered
