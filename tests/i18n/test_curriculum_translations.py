"""The curriculum in more than one language: files, pages, round trip and the authoring overview."""

import filecmp
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.i18n.content import fingerprint, reading_source
from portal.i18n.models import ContentTranslation
from portal.learning import content_files
from portal.learning.models import CurriculumSession, Reading

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def curriculum(shipped_curriculum):
    return shipped_curriculum


def _page(web, path, language):
    web.post("/language", {"language": language, "next": "/"})
    return web.client.get(path).get_data(as_text=True)


def test_sessions_1_and_6_ship_in_three_languages(curriculum):
    rows = db.session.execute(
        select(ContentTranslation.session_number, ContentTranslation.language)
    ).all()
    assert sorted(rows) == [(n, lang) for n in (1, 6) for lang in ("id", "th", "ur")]


def test_a_translated_session_shows_in_the_person_s_language(curriculum, as_participant):
    html = _page(as_participant, "/sessions/6", "th")
    assert "การช่วยเหลือผู้เสียหายจากการค้ามนุษย์" in html  # the Thai title
    assert "ความช่วยเหลือเป็นสิทธิ" in html  # the Thai summary
    assert "Assistance for victims of trafficking" not in html
    assert "บทเรียนนี้ยังไม่ได้แปล" not in html  # no "not yet translated" note for the session
    # Its readings are not translated yet: English, marked as such for the browser.
    assert 'lang="en" dir="ltr">' in html


def test_a_changed_translation_shows_on_the_next_page(curriculum, as_participant):
    """Pages keep a decoded translation per version: a new import is a new version."""
    assert "การช่วยเหลือผู้เสียหายจากการค้ามนุษย์" in _page(as_participant, "/sessions/6", "th")
    row = db.session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.session_number == 6, ContentTranslation.language == "th"
        )
    )
    readings = {**(row.data.get("readings") or {}), "kinds-of-assistance": {"title": "อ่านใหม่"}}
    row.data = {
        **row.data,
        "session": {**row.data["session"], "title": "ชื่อใหม่ของบทเรียน"},
        "readings": readings,
    }
    db.session.commit()
    html = as_participant.client.get("/sessions/6").get_data(as_text=True)
    assert "<span>ชื่อใหม่ของบทเรียน</span></h1>" in html
    assert '<a href="/sessions/6/readings/kinds-of-assistance">อ่านใหม่</a>' in html
    assert "<span>การช่วยเหลือผู้เสียหายจากการค้ามนุษย์</span>" not in html
    db.session.delete(row)
    db.session.commit()
    html = as_participant.client.get("/sessions/6").get_data(as_text=True)
    assert "ชื่อใหม่ของบทเรียน" not in html and "Assistance for victims of trafficking" in html


def test_an_untranslated_session_says_so_and_is_marked_english(curriculum, as_participant):
    html = _page(as_participant, "/sessions/2", "ur")
    assert "یہ سیشن ابھی آپ کی زبان میں ترجمہ نہیں ہوا" in html
    assert '<span lang="en" dir="ltr">' in html


def test_english_pages_carry_no_language_marks(curriculum, as_participant):
    html = as_participant.client.get("/sessions/1").get_data(as_text=True)
    assert 'lang="en"' not in html.split("<main", 1)[1].split("<footer", 1)[0]
    assert "not yet translated" not in html


def test_a_translated_reading_replaces_the_english_one(curriculum, as_participant):
    reading = db.session.scalar(select(Reading).where(Reading.slug == "who-is-a-victim"))
    row = db.session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.session_number == 1, ContentTranslation.language == "id"
        )
    )
    data = dict(row.data)
    data["readings"] = {
        "who-is-a-victim": {
            "source": reading_source(reading),
            "title": "Siapa korban perdagangan orang?",
            "body": "## Satu definisi\n\nProtokol Palermo (fiksi untuk tes).",
        }
    }
    row.data = data
    db.session.commit()
    html = _page(as_participant, "/sessions/1/readings/who-is-a-victim", "id")
    assert "<h1>Siapa korban perdagangan orang?</h1>" in html
    assert "<h2>Satu definisi</h2>" in html
    assert "belum diterjemahkan" not in html


def test_translations_survive_export_and_import_byte_for_byte(curriculum, tmp_path):
    first = tmp_path / "first"
    content_files.export_curriculum(first)
    for path in CONTENT.glob("sessions/*/translations/*.yaml"):
        exported = first / path.relative_to(CONTENT)
        assert exported.read_bytes() == path.read_bytes()
    db.session.query(ContentTranslation).delete()
    db.session.commit()
    content_files.import_curriculum(first)
    db.session.commit()
    second = tmp_path / "second"
    content_files.export_curriculum(second)
    files = [p.relative_to(first) for p in first.rglob("*") if p.is_file()]
    assert any("translations" in str(p) for p in files)
    match, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert mismatch == [] and errors == []


def test_a_file_for_a_language_we_do_not_offer_is_refused(app, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    bad = root / "sessions" / "02-three-p-approach" / "translations" / "fr.yaml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text("language: fr\nsession: {title: Approche}\n", encoding="utf-8")
    with pytest.raises(content_files.ContentError, match="fr.yaml"):
        content_files.import_curriculum(root)


def test_authoring_shows_missing_current_and_older_items(curriculum, as_trainer):
    html = as_trainer.client.get("/author/translations").get_data(as_text=True)
    session_one = html.split("<caption>Session 1:", 1)[1].split("</table>", 1)[0]
    first_row = session_one.split("<tr>")[2]
    assert first_row.count("Translated") == 3
    assert "Missing" not in session_one  # session, both readings and every question ship
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
    session.summary += " Corrected."
    db.session.commit()
    html = as_trainer.client.get("/author/translations").get_data(as_text=True)
    session_one = html.split("<caption>Session 1:", 1)[1].split("</table>", 1)[0]
    assert session_one.split("<tr>")[2].count("Older than the original") == 3
    assert "Older than the original" not in html.split("<caption>Session 6:", 1)[1]


def test_only_staff_see_the_overview(curriculum, web, participant):
    assert web.client.get("/author/translations").status_code == 302
    web.login(participant.email)
    assert web.client.get("/author/translations").status_code == 403


def test_the_fingerprint_ignores_surrounding_space_only():
    assert fingerprint(" A ", "b\n") == fingerprint("A", "b")
    assert fingerprint("A", "b") != fingerprint("A", "c")


def test_the_shipped_reading_translation_reads_right_to_left(curriculum, as_participant):
    html = _page(as_participant, "/sessions/1/readings/who-is-a-victim", "ur")
    assert '<html lang="ur" dir="rtl">' in html
    assert "<h1>انسانی اسمگلنگ کا متاثرہ فرد کون ہے؟</h1>" in html
    assert "پالرمو پروٹوکول" in html  # the Palermo Protocol, in the body
    assert "ترجمہ نہیں ہوا" not in html  # no "not yet translated" note
    second = _page(
        as_participant, "/sessions/1/readings/victim-centred-approach-and-human-security", "ur"
    )
    assert "<h1>متاثرین پر مرکوز طریقۂ کار اور انسانی سلامتی</h1>" in second
    assert "ترجمہ نہیں ہوا" not in second
    other = _page(as_participant, "/sessions/2/readings/the-three-ps", "ur")  # not translated
    assert "یہ مطالعہ ابھی آپ کی زبان میں ترجمہ نہیں ہوا" in other
    assert '<div class="body" lang="en" dir="ltr">' in other


def test_session_6_standards_reading_ships_in_thai_and_indonesian(curriculum, as_participant):
    thai = _page(as_participant, "/sessions/6/readings/standards-for-assistance", "th")
    assert "หลักการไม่ลงโทษ" in thai  # the non-punishment principle
    indonesian = _page(as_participant, "/sessions/6/readings/standards-for-assistance", "id")
    assert "Prinsip non-penghukuman" in indonesian
    assert "belum diterjemahkan" not in indonesian


def test_the_second_readings_of_sessions_1_and_6_ship_in_three_languages(
    curriculum, as_participant
):
    expected = {
        "th": ("ความมั่นคงของมนุษย์คืออะไร", "สถานคุ้มครองแบบปิด"),
        "id": ("Apa itu keamanan manusia?", "rumah aman tertutup"),
        "ur": ("انسانی سلامتی کیا ہے؟", "بند پناہ گاہ"),
    }
    for language, (session_1, session_6) in expected.items():
        first = _page(
            as_participant,
            "/sessions/1/readings/victim-centred-approach-and-human-security",
            language,
        )
        assert session_1 in first
        sixth = _page(as_participant, "/sessions/6/readings/kinds-of-assistance", language)
        assert session_6 in sixth
        assert 'class="fallback-note"' not in first + sixth


def test_quiz_questions_options_and_feedback_show_in_the_person_s_language(
    curriculum, as_participant
):
    from portal.learning.models import Quiz

    quiz = db.session.scalar(select(Quiz).where(Quiz.key == "session-06"))
    quiz.reveal = "always"  # the review shows the feedback after this one attempt
    db.session.commit()
    as_participant.post("/language", {"language": "th", "next": "/"})
    start = as_participant.post("/sessions/6/quiz/start", token_from="/sessions/6/quiz")
    attempt_path = start.headers["Location"]
    html = as_participant.client.get(attempt_path).get_data(as_text=True)
    # Stem, option and quiz title of the shipped Thai translation; no English stem left.
    assert "สถานคุ้มครองสำหรับผู้เสียหายที่เป็นผู้ใหญ่แห่งหนึ่งล็อกประตู" in html
    assert "ยอมรับได้ตราบที่สถานคุ้มครองสะอาดและอาหารดี" in html
    assert "แบบทดสอบเซสชันที่ 6" in html
    assert "A shelter for adult victims locks its doors" not in html
    # Matching: the Thai labels are shown, the submitted values stay the English texts.
    english_right = "Help does not depend on agreeing to testify or cooperate with the police"
    thai_right = "ความช่วยเหลือไม่ขึ้นอยู่กับการยอมเป็นพยานหรือให้ความร่วมมือกับตำรวจ"
    assert f'<option value="{english_right}">{thai_right}</option>' in html
    submitted = as_participant.post(attempt_path, {"action": "submit"}, token_from=attempt_path)
    assert submitted.status_code == 303
    review = as_participant.client.get(attempt_path + "/review").get_data(as_text=True)
    assert "การกักตัวผู้ใหญ่ไว้โดยขัดต่อความสมัครใจของเขาเป็นการควบคุมตัว" in review  # feedback
    assert "Holding adults against their will is detention" not in review


def test_an_attempt_page_follows_language_translation_and_saved_answers(curriculum, as_participant):
    """The attempt form's questions are kept as HTML per worker; each input of that HTML
    changes the page: the page's language, the translation, the answer saved."""
    start = as_participant.post("/sessions/6/quiz/start", token_from="/sessions/6/quiz")
    path = start.headers["Location"]
    thai_stem = "สถานคุ้มครองสำหรับผู้เสียหายที่เป็นผู้ใหญ่แห่งหนึ่งล็อกประตู"
    english = as_participant.client.get(path).get_data(as_text=True)
    assert "A shelter for adult victims locks its doors" in english and thai_stem not in english
    thai = _page(as_participant, path, "th")
    assert thai_stem in thai and "A shelter for adult victims locks its doors" not in thai
    assert '-legend">Question 1 <' in english and '-legend">คำถามที่ 1 <' in thai
    row = db.session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.session_number == 6, ContentTranslation.language == "th"
        )
    )
    questions = {
        key: {**item, "text": item["text"].replace(thai_stem, "ข้อความที่แก้ไขแล้ว")}
        for key, item in row.data["questions"].items()
    }
    row.data = {**row.data, "questions": questions}
    db.session.commit()
    thai = as_participant.client.get(path).get_data(as_text=True)
    assert "ข้อความที่แก้ไขแล้ว" in thai and thai_stem not in thai
    name, value = re.search(r'<input type="radio" name="(q\d+)" value="([^"]+)">', thai).groups()
    saved = as_participant.post(
        path + "/save", {name: value}, token_from=path, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    thai = as_participant.client.get(path).get_data(as_text=True)
    assert f'name="{name}" value="{value}" checked>' in thai
    as_participant.post(path + "/save", {name: ""}, token_from=path, headers={"HX-Request": "true"})
    thai = as_participant.client.get(path).get_data(as_text=True)
    assert f'name="{name}" value="{value}">' in thai and " checked>" not in thai
    # A session without a translation: only the page's language changes the labels.
    start = as_participant.post("/sessions/2/quiz/start", token_from="/sessions/2/quiz")
    urdu = _page(as_participant, start.headers["Location"], "ur")
    assert '-legend">سوال 1 <' in urdu
    english = _page(as_participant, start.headers["Location"], "en")
    assert '-legend">Question 1 <' in english


def test_every_shipped_question_translation_follows_the_current_english(curriculum):
    from portal.i18n.content import question_source
    from portal.learning.models import Question

    questions = {q.key: q for q in db.session.scalars(select(Question))}
    for row in db.session.scalars(select(ContentTranslation)):
        items = row.data.get("questions") or {}
        assert len(items) == 9, (row.session_number, row.language)
        for key, item in items.items():
            assert item["source"] == question_source(questions[key]), (row.language, key)


def test_the_confirmation_page_names_the_quiz_in_the_person_s_language(curriculum, as_participant):
    as_participant.post("/language", {"language": "th", "next": "/"})
    start = as_participant.post("/sessions/6/quiz/start", token_from="/sessions/6/quiz")
    confirm = as_participant.client.get(start.headers["Location"] + "/confirm")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "แบบทดสอบเซสชันที่ 6" in html  # the shipped Thai title of the session 6 quiz
    assert "Session 6 quiz" not in html
