"""A round's preference window: set by a coordinator while the round is a draft; its mails at
the opening, a reminder before the close, and at the close (an idempotent cron command)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select, update

from mentormatch.extensions import db
from mentormatch.models import (
    MatchingMode,
    MatchingRound,
    MembershipStatus,
    MenteeRanking,
    PreferenceWindow,
    Programme,
    ProgrammeMember,
    Role,
    RoundStatus,
    User,
)
from mentormatch.models.preferences import MAX_RANKS_LIMIT
from mentormatch.models.times import utcnow
from mentormatch.services import audit, mail, mail_messages
from mentormatch.services.errors import NotFound, ValidationError

REMINDER_BEFORE = timedelta(hours=48)
MAIL_KIND = "preferences"


def window_of(round_id: int) -> PreferenceWindow | None:
    return db.session.scalar(select(PreferenceWindow).where(PreferenceWindow.round_id == round_id))


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC datetimes; compare everything as aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_open(window: PreferenceWindow | None, now: datetime | None = None) -> bool:
    if window is None:
        return False
    now = now or utcnow()
    return aware(window.opens_at) <= now < aware(window.closes_at)


def set_window(
    round_id: int, actor: User | int | None, opens_at: datetime, closes_at: datetime
) -> PreferenceWindow:
    """Open (or move) the window of a draft round. Moving the opening of a window that has
    not yet opened sends its opening mail again; one already open is not announced twice."""
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    problems = []
    if matching_round.status != RoundStatus.DRAFT:
        problems.append(("opens_at", "Only a round that has not run yet can collect preferences."))
    if closes_at <= opens_at:
        problems.append(("closes_at", "The window must close after it opens."))
    if problems:
        raise ValidationError(problems)
    window = window_of(round_id)
    if window is None:
        window = PreferenceWindow(round_id=round_id, opens_at=opens_at, closes_at=closes_at)
        db.session.add(window)
    else:
        moved_close = aware(window.closes_at) != aware(closes_at)
        window.opens_at, window.closes_at = opens_at, closes_at
        # a new close is announced again (its reminder and closing mail); the same form
        # saved twice is not
        if moved_close and aware(closes_at) > utcnow():
            window.closed_mailed_at = None
            window.reminded_at = None
    audit.record(actor, audit.PREFERENCE_WINDOW_SET, matching_round)
    db.session.commit()
    return window


def open_rounds_for(mentee_id: int) -> list[tuple[MatchingRound, PreferenceWindow]]:
    """Draft rounds with a window in the programmes the mentee is an active member of."""
    rows = db.session.execute(
        select(MatchingRound, PreferenceWindow)
        .join(PreferenceWindow, PreferenceWindow.round_id == MatchingRound.id)
        .join(ProgrammeMember, ProgrammeMember.programme_id == MatchingRound.programme_id)
        .where(
            ProgrammeMember.user_id == mentee_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
            MatchingRound.status == RoundStatus.DRAFT.value,
        )
        .order_by(PreferenceWindow.closes_at)
    ).all()
    return [(r, w) for r, w in rows]


@dataclass(frozen=True)
class WindowMails:
    opened: int = 0
    reminded: int = 0
    closed: int = 0


def _claim(window_id: int, column: str) -> bool:
    """Take the right to send one of a window's mails (a second cron run finds it taken)."""
    stamp = getattr(PreferenceWindow, column)
    done = db.session.execute(
        update(PreferenceWindow)
        .where(PreferenceWindow.id == window_id, stamp.is_(None))
        .values({column: utcnow()})
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def _mentees(
    programme_id: int, round_id: int, without_ranks: bool = False, ranked: bool = False
) -> list[User]:
    """The programme's active mentees (active accounts, still members); only those who
    ranked nobody in the round (``without_ranks``) or only those who ranked someone
    (``ranked``)."""
    query = (
        select(User)
        .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
        .where(
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
            User.role == Role.MENTEE.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    has_ranked = exists().where(
        MenteeRanking.round_id == round_id, MenteeRanking.mentee_id == User.id
    )
    if without_ranks:
        query = query.where(~has_ranked)
    if ranked:
        query = query.where(has_ranked)
    return list(db.session.scalars(query))


def send_window_mails(now: datetime | None = None) -> WindowMails:
    """Queue the opening, reminder and closing mails that are due; each once per window.

    Opening: every active mentee of the programme. Reminder (from REMINDER_BEFORE before the
    close): the mentees who have ranked nobody yet. Closing: every mentee who ranked someone
    (their list is now final)."""
    now = now or utcnow()
    opened = reminded = closed = 0
    rows = db.session.execute(
        select(PreferenceWindow, MatchingRound)
        .join(MatchingRound, MatchingRound.id == PreferenceWindow.round_id)
        .where(MatchingRound.status == RoundStatus.DRAFT.value)
        .order_by(PreferenceWindow.id)
    ).all()
    link = mail.absolute_url("choices.mentee_index")
    for window, matching_round in rows:
        opens, closes = aware(window.opens_at), aware(window.closes_at)
        context = dict(round_name=matching_round.name, closes_at=closes, link=link)
        if (
            opens <= now < closes
            and window.opened_mailed_at is None
            and _claim(window.id, "opened_mailed_at")
        ):
            for mentee in _mentees(matching_round.programme_id, matching_round.id):
                mail_messages.queue(mentee.email, "preferences_open", MAIL_KIND,
                                    mentee=mentee, **context)  # fmt: skip
                opened += 1
        if (
            closes - REMINDER_BEFORE <= now < closes
            and window.reminded_at is None
            and _claim(window.id, "reminded_at")
        ):
            for mentee in _mentees(matching_round.programme_id, matching_round.id, True):
                mail_messages.queue(mentee.email, "preferences_reminder", MAIL_KIND,
                                    mentee=mentee, **context)  # fmt: skip
                reminded += 1
        if (
            now >= closes
            and window.closed_mailed_at is None
            and _claim(window.id, "closed_mailed_at")
        ):
            rankers = _mentees(matching_round.programme_id, matching_round.id, ranked=True)
            for mentee in rankers:
                mail_messages.queue(mentee.email, "preferences_closed", MAIL_KIND,
                                    mentee=mentee, **context)  # fmt: skip
                closed += 1
        db.session.commit()
    return WindowMails(opened, reminded, closed)


def state(window: PreferenceWindow, now: datetime | None = None) -> str:
    """'upcoming', 'open' or 'closed'."""
    now = now or utcnow()
    if now < aware(window.opens_at):
        return "upcoming"
    return "open" if now < aware(window.closes_at) else "closed"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _anonymous_rankings(programme_id: int) -> bool:
    """Does a round of the programme that has not run yet hold rankings (made while rankers
    were anonymous)?"""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    MenteeRanking.round_id == MatchingRound.id,
                    MatchingRound.programme_id == programme_id,
                    MatchingRound.status == RoundStatus.DRAFT.value,
                )
            )
        )
    )


def update_programme_settings(
    programme_id: int, actor, max_ranks: str, rankers_named: bool, unranked_pairs: bool,
    mode: str,
) -> None:  # fmt: skip
    """The programme's four preference settings, validated."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(f"No programme {programme_id}.")
    problems = []
    try:
        ranks = int(str(max_ranks).strip())
    except ValueError:
        ranks = 0
    if not 1 <= ranks <= MAX_RANKS_LIMIT:
        problems.append(("max_ranks", f"A number from 1 to {MAX_RANKS_LIMIT}; got '{max_ranks}'."))
    if mode not in tuple(MatchingMode):
        problems.append(("mode", "Choose optimal or stable."))
    if (
        rankers_named
        and not programme.preference_rankers_named
        and _anonymous_rankings(programme_id)
    ):
        problems.append(
            ("rankers_named", "Mentees have already ranked mentors in a round that has not run "
                              "yet, told that their names stay hidden. Name rankers after that "
                              "round has run.")
        )  # fmt: skip
    if problems:
        raise ValidationError(problems)
    programme.preference_max_ranks = ranks
    programme.preference_rankers_named = bool(rankers_named)
    programme.preference_unranked_pairs = bool(unranked_pairs)
    programme.preference_mode = mode
    audit.record(actor, audit.PROGRAMME_CHANGED, programme_id=programme_id, what="preferences")
    db.session.commit()
