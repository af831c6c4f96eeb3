"""Rank lists as CSV: import (for programmes that collect preferences elsewhere) and export.

The file has the columns mentee_email, mentor_email, rank. An import replaces the rank lists
of every mentee in the file for that round, all rows or none: any problem (an unreadable file,
an unknown person, a mentee or mentor outside the round's programme, a rank outside 1..N, a
mentee's ranks not 1..k without gaps, the same mentor or rank twice for a mentee) saves nothing
and is reported with its row and column, as the profile importer does (services.csv_profiles).
The command line (``mentormatch import-preferences``) and the coordinator's preferences page
both call ``import_rank_lists``; a dry run reports what an import would save and replace.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from mentormatch.codes import plural
from mentormatch.extensions import db
from mentormatch.models import (
    MatchingRound,
    MembershipStatus,
    MenteeRanking,
    ProgrammeMember,
    Role,
    RoundStatus,
    User,
)
from mentormatch.services import audit
from mentormatch.services.csv_profiles.importer import CheckedFile, Problem, size_text
from mentormatch.services.csv_profiles.reader import UTF8, UnreadableFile, read_table
from mentormatch.services.errors import NotFound

COLUMNS = ("mentee_email", "mentor_email", "rank")
PROBLEMS_LISTED = 200
_NOT_DRAFT = {
    RoundStatus.RUNNING: "is running now",
    RoundStatus.PROPOSED: "has run; its proposals are waiting to be published",
    RoundStatus.PUBLISHED: "has run and its proposals are published",
    RoundStatus.CLOSED: "has run and is closed",
    RoundStatus.FAILED: "has run and failed",
}
_QUERY_CHUNK = 500  # ids or emails per IN (...): well under every database's bound-parameter limit


CHANGED_MEANWHILE = (
    "rank lists that nobody changes while they are imported: another import or a mentee "
    "saving hers came in between, and nothing of this file was saved; check it again"
)


@dataclass(frozen=True)
class RankImportReport(CheckedFile):
    dry_run: bool = False
    rows: int = 0  # rows read below the header (on success: the ranks saved, or to be)
    mentees: int = 0  # rank lists saved, or to be
    replaced_mentees: int = 0  # of those mentees, how many had a list in the round before
    replaced_ranks: int = 0  # the ranks those earlier lists held
    problems: tuple[Problem, ...] = ()  # the listed ones: all, or the first max_problems
    problem_count: int = 0  # every problem found
    problem_rows: int = 0  # rows with at least one problem
    unlisted_rows: int = 0  # rows with a problem beyond those listed
    encoding: str = UTF8
    lists_version: str = ""  # a digest of the file's mentees' current lists (the check's)
    changed_since_check: bool = False  # a confirmation refused: those lists changed since

    @property
    def replaced_text(self) -> str:
        """What importing replaces, in words."""
        if not self.replaced_mentees:
            return "None of these mentees has a rank list in this round yet."
        if self.replaced_mentees == 1:
            start, it = "1 of these mentees has a rank list", "it"
        else:
            start, it = f"{self.replaced_mentees:,} of these mentees have rank lists", "them"
        return (
            f"{start} in this round now ({plural(self.replaced_ranks, 'rank')} in all); "
            f"importing deletes {it} and saves the file's instead."
        )

    @property
    def summary(self) -> str:
        if not self.ok:
            return self.refused_text("try again")
        counts = f"{plural(self.rows, 'rank')} for {plural(self.mentees, 'mentee')}"
        if self.dry_run:
            return f"Check passed: {counts}{self.read_as}; nothing was saved."
        replaced = (
            f"; the earlier lists of {plural(self.replaced_mentees, 'mentee')} "
            f"({plural(self.replaced_ranks, 'rank')}) were replaced"
            if self.replaced_mentees
            else ""
        )
        return f"Imported {counts}{replaced}."


def import_refusal(matching_round: MatchingRound) -> str | None:
    """Why rank lists cannot be imported into this round now, or None when they can."""
    if matching_round.status == RoundStatus.DRAFT:
        return None
    now = _NOT_DRAFT.get(matching_round.status, "has run")
    return (
        f"This round {now}: rank lists can be imported only into a draft round, one that has "
        "not run. The lists a round ran with stay as they were."
    )


def _chunks(values: Iterable, size: int = _QUERY_CHUNK):
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _people(programme_id: int, emails: set[str]) -> dict[str, tuple[int, str, bool]]:
    """email -> (user id, role, is an active member of the programme) for these emails."""
    member = (
        select(ProgrammeMember.id)
        .where(
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.user_id == User.id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
        )
        .exists()
    )
    found: dict[str, tuple[int, str, bool]] = {}
    for chunk in _chunks(emails):
        rows = db.session.execute(
            select(func.lower(User.email), User.id, User.role, member).where(
                func.lower(User.email).in_(chunk)
            )
        ).all()
        found.update((email, (user_id, role, bool(ok))) for email, user_id, role, ok in rows)
    return found


def _person_problem(
    email: str, found: dict[str, tuple[int, str, bool]], who: Role, programme_name: str
) -> str | None:
    """What is wrong with the person named in a mentee or mentor column, or None.

    One message whether the email has no account, belongs to someone of another role or to
    someone outside the programme: a programme's coordinator learns nothing of the people
    who are not its members (found in review: the messages told who exists and in what
    role)."""
    if not email:
        return f"the email of a {who} (this cell is empty)"
    if email in found:
        _, role, active = found[email]
        if role == who and active:
            return None
    return f"the email of a {who} who is an active member of {programme_name}"


def _existing_lists(round_id: int, mentee_ids: Iterable[int]) -> tuple[int, int, str]:
    """(mentees with a rank list in the round, ranks in those lists, a digest of those lists)
    among ``mentee_ids``. The confirmation carries the digest it was shown, so that lists
    saved after the check are not replaced unseen."""
    rows: list[tuple[int, int, int]] = []
    for chunk in _chunks(mentee_ids):
        rows.extend(
            (mentee, mentor, rank)
            for mentee, mentor, rank in db.session.execute(
                select(MenteeRanking.mentee_id, MenteeRanking.mentor_id, MenteeRanking.rank).where(
                    MenteeRanking.round_id == round_id, MenteeRanking.mentee_id.in_(chunk)
                )
            )
        )
    digest = hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:16]
    return len({mentee for mentee, _, _ in rows}), len(rows), digest


def import_rank_lists(
    round_id: int,
    data: bytes,
    actor=None,
    dry_run: bool = False,
    *,
    max_bytes: int | None = None,
    max_problems: int | None = PROBLEMS_LISTED,
    seen_lists: str | None = None,
) -> RankImportReport:
    """Check the whole file, then replace the rank lists of its mentees in one transaction, or
    save nothing. ``actor`` (a User, its id, or None for the command line) is audited. The
    report lists at most ``max_problems`` problems (None: all) and counts every one.
    ``seen_lists``: the ``lists_version`` of the check the person confirmed; when the file's
    mentees' lists changed since (a mentee saved hers), nothing is saved and the report is
    that of a new check, marked ``changed_since_check``."""
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    problems: list[Problem] = []

    def refused(rows: int = 0, encoding: str = UTF8) -> RankImportReport:
        db.session.rollback()  # only reads happened; end them
        return _failed(problems, dry_run, rows, encoding, max_problems)

    refusal = import_refusal(matching_round)
    if refusal:
        problems.append(Problem(None, "", "", refusal))
    if max_bytes is not None and len(data) > max_bytes:
        problems.append(
            Problem(
                None,
                "",
                size_text(len(data)),
                f"Files can be at most {size_text(max_bytes)}. Split the file into smaller "
                "ones (keep the header row in each, and each mentee's rows in one file) and "
                "import them one after another.",
            )
        )
        return refused()
    try:
        table = read_table(data, COLUMNS)
    except UnreadableFile as exc:
        problems.append(Problem(None, "", "", str(exc)))
        return refused()
    missing = [c for c in COLUMNS if c not in table.header]
    if missing:
        problems.append(
            Problem(
                table.header_row,
                ", ".join(missing),
                "",
                f"the header row needs the columns {', '.join(COLUMNS)} "
                f"(missing: {', '.join(missing)})",
            )
        )
        return refused(len(table.rows), table.encoding)
    if not table.rows:
        problems.append(
            Problem(
                table.header_row + 1,
                "",
                "",
                "one row per ranked mentor below the header row (the file has none)",
            )
        )
        return refused(0, table.encoding)

    at = {name: table.header.index(name) for name in COLUMNS}
    programme = matching_round.programme
    max_ranks = programme.preference_max_ranks
    rows = []
    for row_number, cells in table.rows:

        def cell(name, cells=cells):
            k = at[name]
            return cells[k].strip() if k < len(cells) else ""

        rows.append((row_number, cell("mentee_email").lower(), cell("mentor_email").lower(),
                     cell("rank")))  # fmt: skip
    people = _people(programme.id, {r[1] for r in rows} | {r[2] for r in rows})

    # each row on its own: the people it names and its rank
    by_mentee: dict[int, list[tuple[int, int | None, int | None]]] = defaultdict(list)
    for row_number, mentee, mentor, rank_text in rows:
        mentee_problem = _person_problem(mentee, people, Role.MENTEE, programme.name)
        mentor_problem = _person_problem(mentor, people, Role.MENTOR, programme.name)
        for column, email, problem in (
            ("mentee_email", mentee, mentee_problem),
            ("mentor_email", mentor, mentor_problem),
        ):
            if problem:
                problems.append(Problem(row_number, column, email, problem))
        try:
            rank: int | None = int(rank_text)
        except ValueError:
            rank = None
            problems.append(
                Problem(row_number, "rank", rank_text, f"a whole number from 1 to {max_ranks}")
            )
        else:
            if not 1 <= rank <= max_ranks:
                problems.append(
                    Problem(
                        row_number,
                        "rank",
                        rank_text,
                        f"a rank from 1 to {max_ranks} (the programme's limit)",
                    )
                )
        if mentee_problem is None:
            mentor_id = people[mentor][0] if mentor_problem is None else None
            by_mentee[people[mentee][0]].append((row_number, mentor_id, rank))

    # each mentee's rows together: every mentor and rank once, ranks 1..k without a gap
    emails = {user_id: email for email, (user_id, _, _) in people.items()}
    for mentee_id, items in by_mentee.items():
        mentor_rows: dict[int, int] = {}
        rank_rows: dict[int, int] = {}
        for row_number, mentor_id, rank in items:
            if mentor_id is not None:
                if mentor_id in mentor_rows:
                    problems.append(
                        Problem(
                            row_number,
                            "mentor_email",
                            emails[mentor_id],
                            f"each mentor once per mentee (this mentor is already ranked on "
                            f"row {mentor_rows[mentor_id]})",
                        )
                    )
                else:
                    mentor_rows[mentor_id] = row_number
            if rank is not None:
                if rank in rank_rows:
                    problems.append(
                        Problem(
                            row_number,
                            "rank",
                            str(rank),
                            f"each rank once per mentee (rank {rank} is already on row "
                            f"{rank_rows[rank]})",
                        )
                    )
                else:
                    rank_rows[rank] = row_number
        ranks = sorted(rank_rows)
        if all(rank is not None for _, _, rank in items) and ranks != list(
            range(1, len(ranks) + 1)
        ):
            problems.append(
                Problem(
                    items[0][0],
                    "rank",
                    ", ".join(map(str, ranks)),
                    f"ranks 1 to {len(ranks)} without a gap for {emails[mentee_id]} "
                    "(1 is the first choice)",
                )
            )
    if problems:
        return refused(len(rows), table.encoding)

    replaced_mentees, replaced_ranks, lists_version = _existing_lists(round_id, by_mentee)
    changed = not dry_run and seen_lists is not None and seen_lists != lists_version
    report = RankImportReport(
        dry_run=dry_run or changed,
        rows=len(rows),
        mentees=len(by_mentee),
        replaced_mentees=replaced_mentees,
        replaced_ranks=replaced_ranks,
        encoding=table.encoding,
        lists_version=lists_version,
        changed_since_check=changed,
    )
    if dry_run or changed:
        db.session.rollback()  # only reads happened; end them
        return report
    try:
        for chunk in _chunks(by_mentee):
            db.session.execute(
                delete(MenteeRanking).where(
                    MenteeRanking.round_id == round_id, MenteeRanking.mentee_id.in_(chunk)
                )
            )
        db.session.flush()
        db.session.add_all(
            MenteeRanking(round_id=round_id, mentee_id=mentee_id, mentor_id=mentor_id, rank=rank)
            for mentee_id, items in by_mentee.items()
            for _, mentor_id, rank in items
        )
        audit.record(
            actor,
            audit.PREFERENCES_IMPORTED,
            matching_round,
            rows=len(rows),
            mentees=len(by_mentee),
            replaced=replaced_mentees,
        )
        db.session.commit()
    except IntegrityError:
        # another import of these lists, or a mentee saving hers, committed in between (a
        # double click on PostgreSQL): nothing of this one is saved, and the person is told
        db.session.rollback()
        return _failed([Problem(None, "", "", CHANGED_MEANWHILE)], False, len(rows),
                       table.encoding, max_problems)  # fmt: skip
    return report


def _failed(
    problems: list[Problem],
    dry_run: bool,
    rows: int,
    encoding: str,
    max_problems: int | None,
) -> RankImportReport:
    """The report of a refused file: whole-file problems first, then by row and column."""
    ordered = sorted(problems, key=lambda p: (p.row or 0, COLUMN_ORDER.get(p.column, 9)))
    listed = ordered if max_problems is None else ordered[:max_problems]
    return RankImportReport(
        dry_run=dry_run,
        rows=rows,
        problems=tuple(listed),
        problem_count=len(ordered),
        problem_rows=len({p.row for p in ordered if p.row is not None}),
        unlisted_rows=len({p.row for p in ordered[len(listed) :] if p.row is not None}),
        encoding=encoding,
    )


COLUMN_ORDER = {name: position for position, name in enumerate(COLUMNS)}


def export_rank_lists(round_id: int) -> str:
    """The round's rank lists as CSV text (mentee_email, mentor_email, rank), by mentee."""
    if db.session.get(MatchingRound, round_id) is None:
        raise NotFound(f"No round {round_id}.")
    mentee, mentor = User.__table__.alias("mentee"), User.__table__.alias("mentor")
    rows = db.session.execute(
        select(mentee.c.email, mentor.c.email, MenteeRanking.rank)
        .join(mentee, mentee.c.id == MenteeRanking.mentee_id)
        .join(mentor, mentor.c.id == MenteeRanking.mentor_id)
        .where(MenteeRanking.round_id == round_id)
        .order_by(mentee.c.email, MenteeRanking.rank)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
