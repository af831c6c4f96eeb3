"""Meetings: validation (each problem on its field, nothing saved), time zones and DST, the
iCalendar UID and SEQUENCE through a move and a cancellation, who may act, the log, and the
day-before reminders (idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from mentormatch.extensions import db
from mentormatch.models import Meeting, MeetingStatus, OutboxMessage, User
from mentormatch.models.times import as_utc
from mentormatch.services import meetings, time_zones
from mentormatch.services.errors import NotFound, ValidationError
from tests.helpers import make_user
from tests.meeting_helpers import accepted_pair, event_of, meeting_count, outbox_rows

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def proposal(**changes) -> dict:
    return {
        "date": "2027-01-15", "time": "09:30", "time_zone": "America/New_York",
        "duration_minutes": "60", "channel": "video", "agenda": "Personal statement, letters",
        "location": "https://meet.example.org/ana-irene", **changes,
    }  # fmt: skip


@pytest.fixture
def pair(app):
    return accepted_pair(app)


def propose(app, pair, who=None, now=NOW, **changes) -> int:
    with app.app_context():
        meeting = meetings.propose(
            pair.mentorship_id, (who or pair.mentee).id, proposal(**changes), now=now
        )
        return meeting.id


def load(app, meeting_id: int) -> dict:
    with app.app_context():
        m = db.session.get(Meeting, meeting_id)
        return {
            "status": m.status, "uid": m.uid, "sequence": m.sequence,
            "starts_at": m.starts_at if m.starts_at.tzinfo else m.starts_at.replace(tzinfo=UTC),
            "duration": m.duration_minutes, "zone": m.time_zone, "proposed_by": m.proposed_by_id,
            "notes": m.notes,
        }  # fmt: skip


# --- validation --------------------------------------------------------------------------------


def refused(app, pair, **changes) -> dict[str, str]:
    """Propose with these changes; the refusal's messages by field, after checking that
    nothing (no meeting, no mail) was saved."""
    mails_before = len(outbox_rows(app, ""))
    with app.app_context(), pytest.raises(ValidationError) as caught:
        meetings.propose(pair.mentorship_id, pair.mentee.id, proposal(**changes), now=NOW)
    assert meeting_count(app) == 0
    assert len(outbox_rows(app, "")) == mails_before
    return dict(caught.value.errors)


def test_a_meeting_in_the_past_is_refused_on_its_date(app, pair):
    errors = refused(app, pair, date="2026-11-30", time="10:00")
    assert set(errors) == {"date"}
    assert "already passed" in errors["date"] and "future" in errors["date"]


def test_a_time_the_clocks_skip_is_refused_on_its_time(app, pair):
    # 2027-03-14: New York's clocks go from 02:00 straight to 03:00
    errors = refused(app, pair, date="2027-03-14", time="02:30")
    assert set(errors) == {"time"}
    assert "02:30 does not exist on 14 March 2027 in America/New_York" in errors["time"]
    # the same wall time exists in a zone without that change that night
    with app.app_context():
        meeting = meetings.propose(
            pair.mentorship_id, pair.mentee.id,
            proposal(date="2027-03-14", time="02:30", time_zone="Europe/London"), now=NOW,
        )  # fmt: skip
        assert as_utc(meeting.starts_at) == datetime(2027, 3, 14, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize("duration", ["10", "14", "241", "600", "", "abc", "-30", "45.5"])
def test_a_duration_outside_15_to_240_minutes_is_refused(app, pair, duration):
    errors = refused(app, pair, duration_minutes=duration)
    assert set(errors) == {"duration_minutes"}
    assert "15 to 240 minutes" in errors["duration_minutes"]


def test_the_shortest_and_longest_meetings_are_taken(app, pair):
    for duration in ("15", "240"):
        assert load(app, propose(app, pair, duration_minutes=duration))["duration"] == int(
            duration
        )


@pytest.mark.parametrize(
    ("zone", "words"),
    [("", "Choose a time zone"), ("   ", "Choose a time zone"),
     ("Mars/Olympus_Mons", "not a time zone we know"), ("EST5EDT; drop", "not a time zone")],
)  # fmt: skip
def test_an_empty_or_unknown_time_zone_is_refused(app, pair, zone, words):
    errors = refused(app, pair, time_zone=zone)
    assert set(errors) == {"time_zone"}
    assert words in errors["time_zone"]


def test_every_problem_is_named_at_once(app, pair):
    errors = refused(
        app, pair, date="15/01/2027", time="", duration_minutes="5", channel="fax", agenda=" "
    )
    assert set(errors) == {"date", "time", "duration_minutes", "channel", "agenda"}
    assert "YYYY-MM-DD" in errors["date"]


def test_an_agenda_too_long_is_refused(app, pair):
    errors = refused(app, pair, agenda="x" * (meetings.scheduling.AGENDA_MAX + 1))
    assert set(errors) == {"agenda"}


# --- time zones ----------------------------------------------------------------------------------


def test_local_times_are_stored_in_utc_across_daylight_saving(app, pair):
    winter = load(app, propose(app, pair, date="2027-01-15", time="09:30"))
    summer = load(app, propose(app, pair, date="2027-07-15", time="09:30"))
    assert winter["starts_at"] == datetime(2027, 1, 15, 14, 30, tzinfo=UTC)  # EST, UTC-5
    assert summer["starts_at"] == datetime(2027, 7, 15, 13, 30, tzinfo=UTC)  # EDT, UTC-4
    assert winter["zone"] == "America/New_York"
    kolkata = load(app, propose(app, pair, time_zone="Asia/Kolkata", time="20:00"))
    assert kolkata["starts_at"] == datetime(2027, 1, 15, 14, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_is_the_first_one(app, pair):
    # 2027-11-07: New York's clocks go back from 02:00 to 01:00; 01:30 happens twice
    meeting = load(app, propose(app, pair, date="2027-11-07", time="01:30"))
    assert meeting["starts_at"] == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # the EDT one


def test_each_viewer_reads_the_time_in_their_own_zone(app):
    moment = datetime(2027, 1, 15, 14, 30, tzinfo=UTC)
    with app.app_context():
        zones = ("America/New_York", "Asia/Kolkata", None)
        new_york, kolkata, nobody = (User(time_zone=zone) for zone in zones)
        assert time_zones.local(moment, new_york) == "Fri 15 Jan 2027, 09:30 EST"
        assert time_zones.local(moment, kolkata) == "Fri 15 Jan 2027, 20:00 IST"
        assert time_zones.local(moment, nobody) == "Fri 15 Jan 2027, 14:30 UTC"
        # SQLite hands back naive UTC: the same moment
        assert time_zones.local(moment.replace(tzinfo=None), kolkata).endswith("20:00 IST")
        # a zone without letters of its own reads as an offset
        dubai = User(time_zone="Asia/Dubai")
        assert time_zones.local(moment, dubai) == "Fri 15 Jan 2027, 18:30 UTC+04"
        summer = datetime(2027, 7, 15, 13, 30, tzinfo=UTC)
        assert time_zones.local(summer, new_york) == "Thu 15 Jul 2027, 09:30 EDT"


def test_a_person_sets_a_known_time_zone_or_none(app, pair):
    with app.app_context():
        assert time_zones.set_time_zone(pair.mentee.id, "Asia/Kolkata").time_zone == (
            "Asia/Kolkata"
        )
        with pytest.raises(ValidationError) as caught:
            time_zones.set_time_zone(pair.mentee.id, "Asia/Atlantis")
        assert caught.value.errors[0][0] == "time_zone"
        db.session.rollback()
        assert db.session.get(User, pair.mentee.id).time_zone == "Asia/Kolkata"
        assert time_zones.set_time_zone(pair.mentee.id, "").time_zone is None


# --- propose, move, accept, cancel: UID and SEQUENCE -------------------------------------------


def test_a_proposal_mails_both_people_a_tentative_invitation(app, pair):
    meeting_id = propose(app, pair)
    meeting = load(app, meeting_id)
    assert meeting["status"] == MeetingStatus.PROPOSED and meeting["sequence"] == 0
    assert meeting["uid"].startswith("meeting-") and "@" in meeting["uid"]
    mails = outbox_rows(app)
    assert sorted(m["to"] for m in mails) == sorted([pair.mentee.email, pair.mentor.email])
    to_mentor = next(m for m in mails if m["to"] == pair.mentor.email)
    assert to_mentor["subject"].startswith("Ana Sharma proposes a meeting")
    assert to_mentor["filename"] == "meeting.ics"
    assert to_mentor["type"] == "text/calendar; method=REQUEST"
    method, event = event_of(to_mentor["ics"])
    assert method == "REQUEST"
    assert str(event["UID"]) == meeting["uid"] and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2027, 1, 15, 14, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 1, 15, 15, 30, tzinfo=UTC)
    assert event.to_ical().decode().count("DTSTART:20270115T143000Z") == 1
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["ORGANIZER"]) == f"mailto:{pair.mentee.email}"
    assert sorted(str(a) for a in event["ATTENDEE"]) == sorted(
        [f"mailto:{pair.mentee.email}", f"mailto:{pair.mentor.email}"]
    )
    description = str(event["DESCRIPTION"])
    assert "Personal statement, letters" in description
    assert f"/mentorships/{pair.mentorship_id}/meetings/{meeting_id}" in description


def test_a_move_keeps_the_uid_raises_the_sequence_and_waits_for_the_other_side(app, pair):
    meeting_id = propose(app, pair)
    first = load(app, meeting_id)
    with app.app_context():
        # the proposer cannot accept their own time
        with pytest.raises(meetings.MeetingError, match="You proposed this time"):
            meetings.accept(pair.mentorship_id, meeting_id, pair.mentee.id, now=NOW)
        meetings.move(
            pair.mentorship_id, meeting_id, pair.mentor.id,
            {"date": "2027-01-16", "time": "08:00", "time_zone": "America/Chicago",
             "duration_minutes": "45"},
            seen_sequence=0, now=NOW,
        )  # fmt: skip
    moved = load(app, meeting_id)
    assert moved["uid"] == first["uid"] and moved["sequence"] == 1
    assert moved["starts_at"] == datetime(2027, 1, 16, 14, 0, tzinfo=UTC)
    assert moved["zone"] == "America/Chicago" and moved["duration"] == 45
    assert moved["proposed_by"] == pair.mentor.id and moved["status"] == MeetingStatus.PROPOSED
    move_mails = [m for m in outbox_rows(app) if m["kind"] == "meeting-moved"]
    assert len(move_mails) == 2
    for mail in move_mails:
        method, event = event_of(mail["ics"])
        assert str(event["UID"]) == first["uid"] and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == datetime(2027, 1, 16, 14, 0, tzinfo=UTC)
    with app.app_context():
        # now the mentor waits; a tab still showing the first time cannot accept it
        with pytest.raises(meetings.MeetingError):
            meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        with pytest.raises(meetings.MeetingError, match="changed a moment ago"):
            meetings.accept(pair.mentorship_id, meeting_id, pair.mentee.id, 0, now=NOW)
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentee.id, 1, now=NOW)
    accepted = load(app, meeting_id)
    assert accepted["status"] == MeetingStatus.ACCEPTED and accepted["sequence"] == 1
    confirmed = [m for m in outbox_rows(app) if m["kind"] == "meeting-accepted"]
    assert len(confirmed) == 2
    assert str(event_of(confirmed[0]["ics"])[1]["STATUS"]) == "CONFIRMED"


def test_a_move_to_the_same_time_or_a_bad_time_changes_nothing(app, pair):
    meeting_id = propose(app, pair)
    mails = len(outbox_rows(app))
    with app.app_context():
        with pytest.raises(ValidationError, match="already has"):
            meetings.move(pair.mentorship_id, meeting_id, pair.mentor.id, proposal(), now=NOW)
        with pytest.raises(ValidationError) as caught:
            meetings.move(
                pair.mentorship_id, meeting_id, pair.mentor.id,
                proposal(date="2027-03-14", time="02:15"), now=NOW,
            )  # fmt: skip
        assert [field for field, _ in caught.value.errors] == ["time"]
    assert load(app, meeting_id)["sequence"] == 0
    assert len(outbox_rows(app)) == mails


def test_a_cancellation_sends_cancel_with_the_same_uid(app, pair):
    meeting_id = propose(app, pair)
    uid = load(app, meeting_id)["uid"]
    with app.app_context():
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        meetings.cancel(pair.mentorship_id, meeting_id, pair.mentor.id, seen_sequence=0, now=NOW)
        with pytest.raises(meetings.MeetingError):
            meetings.cancel(pair.mentorship_id, meeting_id, pair.mentee.id, now=NOW)
        with pytest.raises(meetings.MeetingError):
            meetings.move(
                pair.mentorship_id, meeting_id, pair.mentee.id, proposal(date="2027-02-01"),
                now=NOW,
            )  # fmt: skip
    cancelled = load(app, meeting_id)
    assert cancelled["status"] == MeetingStatus.CANCELLED and cancelled["sequence"] == 1
    mails = [m for m in outbox_rows(app) if m["kind"] == "meeting-cancelled"]
    assert sorted(m["to"] for m in mails) == sorted([pair.mentee.email, pair.mentor.email])
    for mail in mails:
        assert mail["type"] == "text/calendar; method=CANCEL"
        method, event = event_of(mail["ics"])
        assert method == "CANCEL" and str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CANCELLED"


# --- who may act ---------------------------------------------------------------------------------


def test_only_the_two_people_of_the_accepted_mentorship_see_or_act(app, pair):
    meeting_id = propose(app, pair)
    stranger, _ = make_user(app, "mentor")
    coordinator, _ = make_user(app, "coordinator")
    with app.app_context():
        for outsider in (stranger, coordinator):
            with pytest.raises(NotFound):
                meetings.get(outsider, pair.mentorship_id, meeting_id)
            with pytest.raises(NotFound):
                meetings.propose(pair.mentorship_id, outsider, proposal(), now=NOW)
            with pytest.raises(NotFound):
                meetings.accept(pair.mentorship_id, meeting_id, outsider, now=NOW)
            with pytest.raises(NotFound):
                meetings.cancel(pair.mentorship_id, meeting_id, outsider, now=NOW)
        # a meeting is reached only through its own mentorship
        with pytest.raises(NotFound):
            meetings.get(pair.mentee.id, pair.mentorship_id + 1000, meeting_id)
    assert load(app, meeting_id)["status"] == MeetingStatus.PROPOSED


def test_a_mentorship_not_yet_accepted_has_no_meetings(app):
    from tests.proposal_helpers import person, proposal_id, publish, run_round

    mentee, mentor = person(app, "mentee", "Ben Okafor"), person(app, "mentor", "Paul Reyes")
    publish(app, run_round(app))
    pending = proposal_id(app, mentee, mentor)
    with app.app_context(), pytest.raises(NotFound):
        meetings.propose(pending, mentee.id, proposal(), now=NOW)
    assert meeting_count(app) == 0


def test_an_ended_mentorship_keeps_its_meetings_readable_but_unchangeable(app, pair):
    from mentormatch.services import proposals

    meeting_id = propose(app, pair)
    with app.app_context():
        proposals.end(pair.mentorship_id, db.session.get(User, pair.mentee.id))
        assert meetings.get(pair.mentor.id, pair.mentorship_id, meeting_id).id == meeting_id
        with pytest.raises(meetings.MeetingError, match="ended"):
            meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        with pytest.raises(meetings.MeetingError, match="ended"):
            meetings.propose(pair.mentorship_id, pair.mentor.id, proposal(), now=NOW)


def test_ending_the_mentorship_cancels_the_meetings_still_ahead(app, pair):
    from mentormatch.services import proposals

    ahead = propose(app, pair)
    with app.app_context():
        meetings.accept(pair.mentorship_id, ahead, pair.mentor.id, now=NOW)
        held = meetings.propose(pair.mentorship_id, pair.mentee.id, proposal(date="2026-12-20"),
                                now=NOW).id  # fmt: skip
        meetings.accept(pair.mentorship_id, held, pair.mentor.id, now=NOW)
        db.session.execute(
            update(Meeting).where(Meeting.id == held).values(
                starts_at=datetime.now(UTC) - timedelta(days=1), status=MeetingStatus.HELD)
        )  # fmt: skip
        db.session.commit()
        proposals.end(pair.mentorship_id, db.session.get(User, pair.mentor.id))
    assert load(app, ahead)["status"] == MeetingStatus.CANCELLED
    assert load(app, ahead)["sequence"] == 1
    assert load(app, held)["status"] == MeetingStatus.HELD  # the past stays as it was
    mails = [m for m in outbox_rows(app) if m["kind"] == "meeting-ended"]
    assert sorted(m["to"] for m in mails) == sorted([pair.mentee.email, pair.mentor.email])
    to_mentee = next(m for m in mails if m["to"] == pair.mentee.email)
    assert "Your mentorship with Irene Mehta has ended" in to_mentee["body"]
    method, event = event_of(to_mentee["ics"])
    assert method == "CANCEL" and str(event["UID"]) == load(app, ahead)["uid"]


def test_a_deleted_account_cancels_the_meetings_for_the_other_side_only(app, pair):
    from mentormatch.services import privacy

    meeting_id = propose(app, pair)
    with app.app_context():
        mentee = db.session.get(User, pair.mentee.id)
        privacy.delete_account(mentee.id, mentee)
    assert load(app, meeting_id)["status"] == MeetingStatus.CANCELLED
    mails = [m for m in outbox_rows(app) if m["kind"] == "meeting-ended"]
    assert [m["to"] for m in mails] == [pair.mentor.email]


# --- the log -------------------------------------------------------------------------------------


def test_after_the_meeting_either_side_logs_it(app, pair):
    meeting_id = propose(app, pair)
    after = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    log = {"notes": "Went through the draft", "next_steps": "Ana sends v2 by Friday",
           "goals_touched": "Personal statement"}  # fmt: skip
    with app.app_context():
        with pytest.raises(meetings.MeetingError, match="accepted"):
            meetings.log(pair.mentorship_id, meeting_id, pair.mentor.id, log, now=after)
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        with pytest.raises(meetings.MeetingError, match="once it has started"):
            meetings.log(pair.mentorship_id, meeting_id, pair.mentor.id, log, now=NOW)
        with pytest.raises(ValidationError) as caught:
            meetings.log(pair.mentorship_id, meeting_id, pair.mentor.id,
                         {"goals_touched": "only this"}, now=after)  # fmt: skip
        assert [field for field, _ in caught.value.errors] == ["notes"]
        mails = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        meetings.log(pair.mentorship_id, meeting_id, pair.mentor.id, log, now=after)
        # no mail carries the notes
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == mails
    logged = load(app, meeting_id)
    assert logged["status"] == MeetingStatus.HELD and logged["notes"] == "Went through the draft"
    with app.app_context():  # the other side corrects it
        meetings.log(pair.mentorship_id, meeting_id, pair.mentee.id,
                     {**log, "notes": "Draft v1 reviewed"}, now=after)  # fmt: skip
    assert load(app, meeting_id)["notes"] == "Draft v1 reviewed"


def test_your_data_holds_the_meetings_and_their_log(app, pair):
    from mentormatch.services import privacy

    meeting_id = propose(app, pair)
    with app.app_context():
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        after = datetime(2027, 1, 16, tzinfo=UTC)
        meetings.log(pair.mentorship_id, meeting_id, pair.mentor.id, {"notes": "Draft reviewed"},
                     now=after)  # fmt: skip
        mine = privacy.export_personal_data(pair.mentee.id)
        stranger, _ = make_user(app, "mentee")
        assert privacy.export_personal_data(stranger)["meetings"] == []
    [meeting] = mine["meetings"]
    assert meeting["with"] == "Irene Mehta" and meeting["notes"] == "Draft reviewed"
    assert meeting["starts_at"] == "2027-01-15T14:30:00+00:00"
    assert meeting["proposed_by_you"] is True and meeting["status"] == MeetingStatus.HELD
    assert mine["account"]["time_zone"] is None


# --- what the mentorship page shows --------------------------------------------------------------


def test_next_meeting_and_for_mentorship(app, pair):
    later = propose(app, pair, date="2027-02-01")
    sooner = propose(app, pair, date="2027-01-20")
    cancelled = propose(app, pair, date="2027-01-10")
    with app.app_context():
        meetings.cancel(pair.mentorship_id, cancelled, pair.mentee.id, now=NOW)
        assert meetings.next_meeting(pair.mentorship_id, now=NOW).id == sooner
        assert (
            meetings.next_meeting(pair.mentorship_id, now=datetime(2027, 1, 25, tzinfo=UTC)).id
            == later
        )
        spring = datetime(2027, 3, 1, tzinfo=UTC)
        assert meetings.next_meeting(pair.mentorship_id, now=spring) is None
        assert [m.id for m in meetings.for_mentorship(pair.mentorship_id)] == [
            cancelled, sooner, later,
        ]  # fmt: skip


# --- reminders -----------------------------------------------------------------------------------


def reminders(app) -> list[str]:
    return [m["to"] for m in outbox_rows(app) if m["kind"] == "meeting-reminder"]


def test_the_day_before_both_are_reminded_once(app, pair):
    soon = propose(app, pair, date="2027-01-15", time="09:30")  # 14:30 UTC
    unanswered = propose(app, pair, date="2027-01-15", time="11:00")
    far = propose(app, pair, date="2027-01-20")
    with app.app_context():
        for meeting_id in (soon, far):
            meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        day_before = datetime(2027, 1, 14, 15, 0, tzinfo=UTC)
        assert meetings.remind_due(now=day_before - timedelta(hours=1)).reminded == 0
        assert meetings.remind_due(now=day_before).reminded == 1
        assert meetings.remind_due(now=day_before).reminded == 0
        assert meetings.remind_due(now=day_before + timedelta(hours=12)).reminded == 0
    assert sorted(reminders(app)) == sorted([pair.mentee.email, pair.mentor.email])
    reminder = next(m for m in outbox_rows(app) if m["kind"] == "meeting-reminder")
    assert reminder["ics"] is None and "Fri 15 Jan 2027, 14:30 UTC" in reminder["body"]
    assert unanswered  # proposed, never accepted: no reminder


def test_a_moved_meeting_is_reminded_again_for_its_new_time(app, pair):
    meeting_id = propose(app, pair, date="2027-01-15", time="09:30")
    with app.app_context():
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=NOW)
        assert meetings.remind_due(now=datetime(2027, 1, 14, 15, tzinfo=UTC)).reminded == 1
        moved_at = datetime(2027, 1, 14, 16, tzinfo=UTC)
        meetings.move(pair.mentorship_id, meeting_id, pair.mentee.id,
                      proposal(date="2027-01-15", time="10:30"), now=moved_at)  # fmt: skip
        # proposed again: not reminded until accepted
        assert meetings.remind_due(now=moved_at).reminded == 0
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentor.id, now=moved_at)
        assert meetings.remind_due(now=moved_at).reminded == 1
        assert meetings.remind_due(now=moved_at).reminded == 0
    assert len(reminders(app)) == 4


def test_the_remind_command_reports_and_is_idempotent(app, runner, pair):
    future = datetime.now(UTC) + timedelta(hours=5)
    with app.app_context():
        meeting = meetings.propose(
            pair.mentorship_id, pair.mentee.id,
            proposal(date=future.date().isoformat(), time=future.strftime("%H:%M"),
                     time_zone="UTC"),
        )  # fmt: skip
        meetings.accept(pair.mentorship_id, meeting.id, pair.mentor.id)
    first = runner.invoke(args=["meetings", "remind"])
    assert first.exit_code == 0, first.output
    assert "1 meeting reminded" in first.output
    second = runner.invoke(args=["meetings", "remind"])
    assert "0 meetings reminded" in second.output
    assert len(reminders(app)) == 2


def test_closing_out_with_a_reason_cancels_the_meetings_still_ahead(app, pair):
    from mentormatch.services.mentorships import closeout

    ahead = propose(app, pair)
    with app.app_context():
        meetings.accept(pair.mentorship_id, ahead, pair.mentor.id, now=NOW)
        closeout.end(pair.mentorship_id, pair.mentee.id, "no-time", 3)
    assert load(app, ahead)["status"] == MeetingStatus.CANCELLED
    mails = [m for m in outbox_rows(app) if m["kind"] == "meeting-ended"]
    assert sorted(m["to"] for m in mails) == sorted([pair.mentee.email, pair.mentor.email])
    method, event = event_of(mails[0]["ics"])
    assert method == "CANCEL" and str(event["UID"]) == load(app, ahead)["uid"]
