"""Certificates: issued when the cohort's rule is met, a real PDF with names in many scripts
and embedded fonts, verified publicly; unknown and revoked codes are refused alike."""

from __future__ import annotations

import io
import re

import pytest
from factories import enrol, make_user
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.learning.services import set_reading_done
from portal.progress.models import Certificate
from tests.progress.builders import answer, post_in_session, small_curriculum

# Made-up people whose names are written in the scripts of the participant countries.
NAMES = {
    "Bengali": "রহিমা খাতুন",
    "Khmer": "សុខ ស្រីមុំ",
    "Chinese": "王小梅",
    "Devanagari": "प्रिया शर्मा",
    "Korean": "김민지",
    "Thai": "สมศรี ใจดี",
    "Thaana": "އާމިނަތު",
    "Mongolian Cyrillic": "Сарангэрэл Батболд",
    "Urdu": "عائشہ خان",
    "Latin": "Nguyễn Thị Hằng",
}


@pytest.fixture
def course(app, cohort):
    return small_curriculum()


def complete(person, cohort, course) -> None:
    for reading in course["readings"].values():
        set_reading_done(person, reading, True)
    answer(person, course["quizzes"][0], {"a", "b", "c"})
    answer(person, course["quizzes"][1], {"d"})
    for session in course["sessions"]:
        post_in_session(person, cohort, session)


def certificate_pdf(web, cohort, person) -> bytes:
    web.login(person.email)
    issued = web.post(f"/cohorts/{cohort.id}/certificate", {}, token_from="/progress")
    assert issued.status_code == 303, issued.get_data(as_text=True)
    response = web.client.get(f"/cohorts/{cohort.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    web.logout()
    return response.get_data()


def test_certificates_render_names_in_many_scripts_with_embedded_fonts(web, cohort, course):
    found_scripts = []
    embedded = set()
    for script, name in NAMES.items():
        person = make_user(display_name=name)
        enrol(person, cohort)
        db.session.commit()
        complete(person, cohort, course)
        reader = PdfReader(io.BytesIO(certificate_pdf(web, cohort, person)))
        text = " ".join(page.extract_text() for page in reader.pages)
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == person.id))
        assert code in text
        assert "Know the made-up first aim" in text and "Apply the made-up second aim" in text
        assert cohort.name in text
        if name in text:
            found_scripts.append(script)
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                descriptor = target.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        embedded.add(str(target["/BaseFont"]).split("+")[-1])
    assert len(found_scripts) >= 5, found_scripts
    assert any("Noto" in font for font in embedded), embedded
    print("scripts found in the extracted text:", found_scripts)
    print("embedded fonts:", sorted(embedded))


def test_rule_not_met_means_no_certificate(web, cohort, participant, course):
    web.login(participant.email)
    page = web.client.get("/progress").get_data(as_text=True)
    assert "Not yet: the certificate needs every session done" in page
    refused = web.post(f"/cohorts/{cohort.id}/certificate", {}, token_from="/progress")
    assert refused.status_code == 303
    assert db.session.scalar(select(Certificate.id)) is None
    assert web.client.get(f"/cohorts/{cohort.id}/certificate.pdf").status_code == 404


def test_verification_shows_only_name_cohort_date_and_refuses_unknown_and_revoked_alike(
    web, cohort, participant, course, admin
):
    complete(participant, cohort, course)
    certificate_pdf(web, cohort, participant)
    code = db.session.scalar(select(Certificate.code))
    page = web.client.get(f"/certificates/verify?code={code}")
    text = re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))
    assert page.status_code == 200
    assert participant.display_name in text and cohort.name in text
    assert participant.email not in text and "Objective" not in text
    unknown = web.client.get("/certificates/verify?code=VCA-AAAA-BBBB-CCCC")
    web.login(admin.email)
    revoked = web.post(f"/certificates/{code}/revoke", {}, token_from="/progress")
    assert revoked.status_code == 303
    web.logout()
    after = web.client.get(f"/certificates/verify?code={code}")

    def message(response):
        body = response.get_data(as_text=True)
        return re.search(r'role="alert">([^<]+)<', body).group(1)

    assert unknown.status_code == after.status_code == 404
    assert message(unknown) == message(after) == "No valid certificate has this code."


def test_only_admins_revoke(web, cohort, participant, course, trainer):
    complete(participant, cohort, course)
    certificate_pdf(web, cohort, participant)
    code = db.session.scalar(select(Certificate.code))
    web.login(trainer.email)
    assert web.post(f"/certificates/{code}/revoke", {}, token_from="/progress").status_code == 404
    assert db.session.scalar(select(Certificate.revoked_at)) is None
