# ruff: noqa: E501  (prose of the demo practices: one sentence per string reads best)
"""A dozen invented example practices for the demo library (`flask seed`).

Every organisation, place and person here is fictional; the practices illustrate the
victim-centred approach taught in the curriculum (informed consent, non-punishment of
victims, non-refoulement, the ILO indicators of forced labour, referral between
government and NGOs). Seeding adds the missing ones and never changes existing rows."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.database import utcnow
from portal.extensions import db
from portal.markdown import render_markdown
from portal.practices.models import Endorsement, Practice, PracticeReview, PracticeTag

INVENTED = "_This is an invented example for the demo library: the organisation, the place and the figures are fictional._"

# email, display name, country, organisation, organisation type
DEMO_AUTHORS = (
    (
        "alumna.th@demo.test",
        "Demo Alumna (Thailand)",
        "TH",
        "Fictional Provincial Labour Office",
        "local_government",
    ),
    (
        "alumnus.ph@demo.test",
        "Demo Alumnus (Philippines)",
        "PH",
        "Harbour Light Network (fictional)",
        "ngo",
    ),
    (
        "alumna.id@demo.test",
        "Demo Alumna (Indonesia)",
        "ID",
        "Fictional National Police Unit",
        "national_government",
    ),
    (
        "alumnus.np@demo.test",
        "Demo Alumnus (Nepal)",
        "NP",
        "Fictional Rural Municipality Office",
        "local_government",
    ),
    (
        "alumna.bd@demo.test",
        "Demo Alumna (Bangladesh)",
        "BD",
        "Returnees' Circle (fictional)",
        "survivor_led",
    ),
)

# key, author index, adapts (key), title, summary, description, results, lessons,
# countries, pillars, organisation type, objectives, sessions, target groups, useful
DEMO_PRACTICES = (
    (
        "desk",
        0,
        None,
        "Same-day referral desk shared by labour inspectors and an NGO",
        "A labour inspector and an NGO caseworker staff one desk in a provincial labour office, so that a worker who shows signs of forced labour is offered help the same day.",
        "Workers often came to the office about unpaid wages and left before anyone asked further. The desk pairs an inspector with a caseworker from an invented NGO. They use a short checklist built on the **ILO indicators of forced labour** (withheld wages, retained documents, debt, threats) and, where several indicators appear, explain the options in the worker's language.\n\n- Nothing is decided without the worker's informed consent.\n- A presumed victim is referred to shelter, legal aid or medical care, and is not treated as an offender for irregular status or work.\n- Each agency keeps its own records; only what the worker agrees to is shared.",
        "In its invented first year the desk referred 46 workers, most within one day; 31 asked for help recovering wages.",
        "Agree the referral form and who pays for interpreters before opening. Inspectors needed a short training on trauma-informed interviews.",
        ["TH"],
        ["protection", "partnership"],
        "local_government",
        ["2", "4"],
        ["7", "10"],
        ["migrant_workers", "fishers"],
        4,
    ),
    (
        "desk-kh",
        3,
        "desk",
        "Referral desk adapted for a border district",
        "The same-day desk, adapted to a border crossing: a district social worker and an NGO outreach worker meet returning migrants at set hours.",
        "We read about the shared desk in the practice library and tried it at an invented border checkpoint. Returnees are offered a private conversation with a social worker; the checklist was shortened and translated. Returnees who describe deception or debt are offered transport to a reception centre, with their consent.",
        "Over six invented months, 18 returnees accepted a referral.",
        "A quiet room matters more than a long checklist. Border officials needed to know the desk was voluntary for returnees.",
        ["KH"],
        ["protection", "partnership"],
        "local_government",
        ["2", "4"],
        ["7", "10"],
        ["migrant_workers"],
        2,
    ),
    (
        "predeparture",
        1,
        None,
        "Pre-departure sessions led by returned domestic workers",
        "Returned domestic workers who chose to share their experience lead small sessions for women preparing to work abroad: contracts, fees, documents and where to call for help.",
        "Sessions are small (at most twelve people), in the local language and free. Peer educators are paid, trained and never asked to retell their own story. Topics: checking a recruiter's licence, keeping copies of documents, recognising deception about pay or work, and the hotline numbers of the destination country's embassy.",
        "Invented survey: 8 in 10 participants kept a copy of their passport and contract; recruiters' fees were questioned more often.",
        "Prevention messages work better when they give practical options rather than fear. Protect peer educators from being identified.",
        ["PH"],
        ["prevention"],
        "ngo",
        ["2", "4"],
        ["3", "5"],
        ["domestic_workers", "women", "migrant_workers"],
        5,
    ),
    (
        "predeparture-np",
        3,
        "predeparture",
        "Village-level pre-departure sessions run by the municipality",
        "A rural municipality adapted the peer-led sessions: ward offices host them monthly, with returned workers and a municipal officer.",
        "The municipality covers transport and a meal, and the ward office lists licensed recruitment agencies. Men and women attend separate sessions when they ask for it.",
        "Invented figures: 240 people in the first year, in nine wards.",
        "Working through ward offices gave the sessions trust; schedules must avoid harvest time.",
        ["NP"],
        ["prevention", "partnership"],
        "local_government",
        ["4"],
        ["3"],
        ["migrant_workers", "communities"],
        3,
    ),
    (
        "interviews",
        2,
        None,
        "Victim-friendly interview rooms and a single recorded interview",
        "A police unit set up a quiet interview room and trained interviewers so that a victim tells their account once, with a support person present.",
        "Interviews are planned with the victim, who may ask for an interviewer of the same sex and for breaks. A caseworker of their choice can attend. The account is recorded once to avoid repeated questioning. Officers were briefed on the **non-punishment principle**: victims are not prosecuted for unlawful acts they were compelled to commit as a direct result of being trafficked.",
        "Invented result: fewer victims withdrew from proceedings than in the year before.",
        "The room is the easy part; the training and a duty roster of interpreters took most of the effort.",
        ["ID"],
        ["prosecution", "protection"],
        "national_government",
        ["1", "2"],
        ["2", "6"],
        ["women", "children"],
        6,
    ),
    (
        "circles",
        4,
        None,
        "Survivor-led peer support circles after return",
        "A group led by survivors holds voluntary, confidential circles for people who have returned, and refers members to counselling, legal aid and job training.",
        "Members decide what is discussed; nobody is asked to describe what happened to them. Facilitators are survivors trained in peer support and know when to refer someone to a professional. The group does not share names with any agency without consent.",
        "Invented figures: 60 members in four districts; 22 asked for a referral to counselling.",
        "Funding for facilitators' time is essential: survivors' work must be paid, not assumed to be voluntary.",
        ["BD"],
        ["protection"],
        "survivor_led",
        ["2"],
        ["6", "9"],
        ["survivors", "women", "men"],
        7,
    ),
    (
        "hotline",
        1,
        None,
        "Multilingual hotline run jointly by an NGO and a labour department",
        "One number, answered in five languages, where migrant workers can report abuse; calls about forced labour are passed to labour inspectors only with the caller's consent.",
        "An invented NGO answers calls; interpreters are on call. The labour department commits to act on referrals within three working days and reports back to the NGO, which tells the caller.",
        "Invented figures: 1,200 calls in a year, 140 referred to inspectors.",
        "Write down both sides' commitments in a short agreement and review it every six months.",
        ["MY"],
        ["partnership", "protection"],
        "international",
        ["3", "4"],
        ["10"],
        ["migrant_workers", "domestic_workers"],
        4,
    ),
    (
        "hotline-ph",
        1,
        "hotline",
        "Text-message help line for seafarers' families",
        "The joint hotline adapted for families of seafarers and fishers working on distant-water vessels: families can report missing contact or unpaid allotments by text message.",
        "A caseworker answers within a day and, with the family's consent, asks the manning agency and the maritime authority to check on the crew member.",
        "Invented result: 35 cases followed up in the first year.",
        "Families needed reassurance that reporting would not cost the worker their job.",
        ["PH"],
        ["protection", "partnership"],
        "ngo",
        ["4"],
        ["10"],
        ["fishers", "communities"],
        2,
    ),
    (
        "campaign-test",
        3,
        None,
        "Testing an awareness campaign with young jobseekers before printing",
        "Before printing posters about job offers abroad, a university team tested the drafts with young jobseekers and changed what they misunderstood.",
        "Three draft posters were shown to small groups. The team asked what each poster meant and what a reader would do next. Drafts that frightened readers without offering an action were dropped.",
        "The final poster named one free, local place to check a job offer. Invented follow-up: calls to that office doubled.",
        "Testing took two weeks and cost little. Ask what people would do, not whether they like the design.",
        ["MN"],
        ["prevention"],
        "academia",
        ["2", "3"],
        ["3", "11"],
        ["communities"],
        3,
    ),
    (
        "refugee-screening",
        2,
        None,
        "Screening asylum seekers for signs of trafficking, without risk of return",
        "Reception staff screen new arrivals for trafficking indicators and refer presumed victims to assistance, while their asylum claim continues.",
        "Staff use a short screening guide and explain that being identified as a victim does not end an asylum claim. Referral never leads to return to a place where the person's life or freedom would be at risk (**non-refoulement**).",
        "Invented figures: 12 presumed victims identified among 400 arrivals.",
        "Coordinate with the asylum authority first, so that both procedures can run in parallel.",
        ["LK"],
        ["protection"],
        "national_government",
        ["2"],
        ["4"],
        ["refugees", "women", "children"],
        1,
    ),
    (
        "port",
        0,
        None,
        "Port inspections with interpreters chosen by fishers",
        "Inspections of fishing vessels include an interpreter the crew trust, and crew members are interviewed away from the captain.",
        "The invented inspection team rotates interpreters and asks crew privately about pay, documents, working hours and whether they can leave the vessel.",
        "Invented result: crew reported withheld documents in 9 of 50 inspections.",
        "Interviews on the quay in front of officers produced no information; a separate space made the difference.",
        ["TH"],
        ["protection", "prevention"],
        "local_government",
        ["2"],
        ["5", "7"],
        ["fishers", "migrant_workers"],
        3,
    ),
    (
        "case-conference",
        3,
        None,
        "Monthly case conference between district officials and shelters",
        "District officials and shelter staff meet once a month to review the support plans of people in shelters, with their consent, and to fix referral problems.",
        "Each case is presented without names. The person's own wishes open the discussion. Problems that recur (documents, school places, transport) are passed to the district office with a deadline.",
        "Invented figures: average shelter stay fell, and fewer people left without a plan.",
        "Keep minutes short and follow up the deadlines at the next meeting.",
        ["IN"],
        ["partnership", "protection"],
        "local_government",
        ["3", "4"],
        ["10", "11"],
        ["women", "children"],
        2,
    ),
)


def _author(index: int) -> User:
    email, name, country, organisation, org_type = DEMO_AUTHORS[index]
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # Nobody signs in as a demo author: the password is random and never shown.
        user = User(
            email=email,
            display_name=name,
            country=country,
            organisation=organisation,
            organisation_type=org_type,
            password_hash=hash_password(secrets.token_urlsafe(24)),
        )
        db.session.add(user)
        db.session.flush()
    return user


def ensure_demo_practices(reviewer: User | None, readers: list[User]) -> list[str]:
    """Add the demo practices that are missing (matched by title); returns a report."""
    by_title = {p.title: p for p in db.session.scalars(select(Practice))}
    by_key: dict[str, Practice] = {}
    report = []
    now = utcnow()
    for position, row in enumerate(DEMO_PRACTICES):
        (
            key,
            author_index,
            adapts,
            title,
            summary,
            description,
            results,
            lessons,
            countries,
            pillars,
            org,
            objectives,
            sessions,
            targets,
            useful,
        ) = row
        if title in by_title:
            by_key[key] = by_title[title]
            continue
        source = by_key.get(adapts) if adapts else None
        description = f"{description}\n\n{INVENTED}"
        published_at = now - timedelta(days=3 * (len(DEMO_PRACTICES) - position))
        practice = Practice(
            author_id=_author(author_index).id,
            status="published",
            title=title,
            summary=summary,
            description=description,
            description_html=str(render_markdown(description)),
            results=results,
            results_html=str(render_markdown(results)),
            lessons=lessons,
            lessons_html=str(render_markdown(lessons)),
            contact="portal",
            adapts_id=source.id if source is not None else None,
            created_at=published_at,
            updated_at=published_at,
            submitted_at=published_at,
            published_at=published_at,
        )
        tags = [("country", c) for c in countries] + [("pillar", p) for p in pillars]
        tags += [("org", org)] + [("objective", o) for o in objectives]
        tags += [("session", s) for s in sessions] + [("target", t) for t in targets]
        practice.tags = [PracticeTag(facet=f, value=v) for f, v in tags]
        db.session.add(practice)
        db.session.flush()
        if reviewer is not None:
            db.session.add(
                PracticeReview(practice_id=practice.id, actor_id=reviewer.id, status="published")
            )
        # "Useful" marks from the demo readers and authors, so "most useful" sorts.
        markers = [
            u
            for u in readers + [_author(i) for i in range(len(DEMO_AUTHORS))]
            if u.id != practice.author_id
        ][:useful]
        for user in markers:
            db.session.add(Endorsement(practice_id=practice.id, user_id=user.id))
        practice.useful_count = len(markers)
        by_key[key] = practice
        report.append(f"practice: {title}")
    return report
