"""Benchmark data at scale: 10,000 more participants in the demo cohort (with progress),
1,000 more replies in the benchmark thread and 500 more published practices.

Run as `python bench/grow_data.py THREAD_ID` with the portal's environment, after
bench/setup_data.py. Every person and text is made up ("Made-up person 17"). Bulk inserts,
so it takes seconds; the SQL statement counts are then measured again (SPEC §4: the same
at 10 and at 10,000 rows).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from progress.bulk import add_participants  # noqa: E402  (the tests' bulk helper)

from portal import create_app  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.cohorts.models import Cohort, Membership  # noqa: E402
from portal.database import utcnow  # noqa: E402
from portal.discussion.models import Post, Thread  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.practices.models import Practice, PracticeTag  # noqa: E402

PARTICIPANTS, REPLIES, PRACTICES = 10_000, 1_000, 500
COUNTRIES = ("BD", "KH", "IN", "ID", "PH", "TH", "VN", "LK")
PILLARS = ("prevention", "protection", "prosecution", "partnership")


def main(thread_id: int) -> None:
    app = create_app()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "participant@demo.test"))
        cohort = db.session.get(
            Cohort,
            db.session.scalar(select(Membership.cohort_id).where(Membership.user_id == user.id)),
        )
        add_participants(cohort, PARTICIPANTS)

        thread = db.session.get(Thread, thread_id)
        start, now = thread.last_number, utcnow()
        db.session.execute(
            insert(Post),
            [
                {
                    "thread_id": thread.id,
                    "number": start + n,
                    "author_id": user.id,
                    "body": f"Made-up reply {n}.",
                    "body_html": f"<p>Made-up reply {n}.</p>",
                    "created_at": now,
                }
                for n in range(1, REPLIES + 1)
            ],
        )
        thread.last_number = thread.post_count = start + REPLIES

        first = (db.session.scalar(select(db.func.max(Practice.id))) or 0) + 1
        rows, tags = [], []
        for n in range(PRACTICES):
            practice_id = first + n
            rows.append(
                {
                    "id": practice_id,
                    "status": "published",
                    "title": f"Made-up practice {n}",
                    "summary": f"Summary {n} of a made-up practice about referral.",
                    "description": "A made-up description.",
                    "description_html": "<p>A made-up description.</p>",
                    "useful_count": n % 7,
                    "published_at": now - timedelta(minutes=n),
                }
            )
            tags += [
                {"practice_id": practice_id, "facet": "country", "value": COUNTRIES[n % 8]},
                {"practice_id": practice_id, "facet": "pillar", "value": PILLARS[n % 4]},
                {"practice_id": practice_id, "facet": "session", "value": str(n % 3 + 1)},
            ]
        db.session.execute(insert(Practice), rows)
        db.session.execute(insert(PracticeTag), tags)
        db.session.commit()


if __name__ == "__main__":
    main(int(sys.argv[1]))
