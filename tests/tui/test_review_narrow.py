"""The review at 60x20, the smallest window it works in: the pair's score and the
progress line must still read whole on a queue of a realistic size."""

from __future__ import annotations

import polars as pl
import pytest

from casetui.workflow import Conversion
from tests.tui.conftest import make_app, settle
from tests.tui.review_fixtures import CANDIDATES, at_review, table_text

COUNT = 1200


@pytest.fixture
def long_queue(casetui_home) -> Conversion:
    """1,200 review cases, each with one voter whose id is as long as L2's."""
    ids = [f"K-{n:04d}" for n in range(COUNT)]
    voters = [f"LALMA{147501 + n}" for n in range(COUNT)]
    scores = [0.91 - n / (COUNT * 10) for n in range(COUNT)]
    people = {"first_name": ["Ann"] * COUNT, "last_name": ["Lee"] * COUNT}
    pairs = pl.DataFrame(
        {"case_id": ids, "voter_id": voters, "score": scores, "rank": [1] * COUNT}
        | {name: [1.0] * COUNT for name in CANDIDATES.columns if name[:3] == "ev_"}
        | {"reasons": [""] * COUNT}
    )
    assignment = pl.DataFrame(
        {"case_id": ids, "voter_id": voters, "score": scores}
        | {"band": ["review"] * COUNT, "reasons": [""] * COUNT}
    )
    return at_review(
        pl.DataFrame({"case_id": ids} | people),
        pl.DataFrame({"voter_id": voters} | people),
        pairs,
        assignment,
    )


async def test_at_60x20_the_score_and_the_whole_progress_line_show(long_queue):
    app = make_app(long_queue)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        title = table_text(app).splitlines()[0]
        assert "0.91" in title and "LALMA147501" in title
        progress = app.screen.query_one("#review-progress")
        text = str(progress.render())
        assert text == "0/1200 decided · 1200 to go · pace after 2 decisions"
        assert len(text) <= progress.size.width

        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert "Voter LALMA147501 score 0.91" in table_text(app)
        assert "pace shows after two decisions" in str(progress.render())
