"""The cohort's progress settings: time zone, mastery threshold and completion rule."""

from __future__ import annotations

from portal.extensions import db

DATES = {
    "elearning_opens": "2026-05-01",
    "workshop_start": "2026-06-08",
    "workshop_end": "2026-06-12",
    "alumni_from": "2026-06-13",
}


def test_trainer_sets_time_zone_threshold_and_rule(as_trainer, cohort):
    form = as_trainer.client.get(f"/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert 'name="time_zone"' in form and 'value="70"' in form
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/edit",
        {
            "name": cohort.name,
            **DATES,
            "time_zone": "Asia/Dhaka",
            "mastery_threshold": "80",
            "completion_rule": "objectives",
        },
    )
    assert response.status_code == 303
    db.session.refresh(cohort)
    assert (cohort.time_zone, cohort.mastery_threshold, cohort.completion_rule) == (
        "Asia/Dhaka",
        80,
        "objectives",
    )


def test_unknown_time_zone_is_refused_and_input_kept(as_trainer, cohort):
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/edit",
        {
            "name": "Kept name (fictional)",
            **DATES,
            "time_zone": "Mars/Olympus",
            "mastery_threshold": "101",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a time zone name such as Asia/Bangkok." in page
    assert 'value="Mars/Olympus"' in page and 'value="Kept name (fictional)"' in page
    db.session.refresh(cohort)
    assert cohort.time_zone == "UTC"
