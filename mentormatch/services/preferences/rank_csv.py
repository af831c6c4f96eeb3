"""Rank lists as CSV: import (for programmes that collect preferences elsewhere) and export.

The file has the columns mentee_email, mentor_email, rank. An import replaces the rank lists
of every mentee in the file for that round, all rows or none: any problem (an unknown person,
a mentee or mentor outside the round's programme, a rank outside 1..N, a mentee's ranks not
1..k without gaps, the same mentor or rank twice for a mentee) saves nothing and is reported
with its row, as the profile importer does (services.csv_profiles).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select

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
from mentormatch.services.csv_profiles.importer import Problem
from mentormatch.services.csv_profiles.reader import read_table
from mentormatch.services.errors import NotFound

COLUMNS = ("mentee_email", "mentor_email", "rank")
PROBLEMS_LISTED = 200


@dataclass(frozen=True)
class RankImportReport:
    rows: int = 0
    mentees: int = 0
    problems: tuple[Problem, ...] = ()
    problem_count: int = 0
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def summary(self) -> str:
        if not self.ok:
            return (
                f"Nothing was saved: {plural(self.problem_count, 'problem')}. "
                "Fix the file and import it again."
            )
        return (
            f"Imported {plural(self.rows, 'rank')} for {plural(self.mentees, 'mentee')}; "
            "their earlier lists in this round were replaced."
        )


def _members(programme_id: int, role: Role, emails: set[str]) -> dict[str, tuple[int, bool]]:
    """email -> (user id, is an active member of the programme) for these emails."""
    if not emails:
        return {}
    member = (
        select(ProgrammeMember.id)
        .where(
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.user_id == User.id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
        )
        .exists()
    )
    rows = db.session.execute(
        select(func.lower(User.email), User.id, member).where(
            func.lower(User.email).in_(emails), User.role == role.value
        )
    ).all()
    return {email: (user_id, bool(ok)) for email, user_id, ok in rows}


def import_rank_lists(round_id: int, data: bytes, actor=None, dry_run=False) -> RankImportReport:
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    problems: list[Problem] = []
    if matching_round.status != RoundStatus.DRAFT:
        problems.append(
            Problem(None, "", "", "the round has already run; import into a draft round")
        )
    table = read_table(data, COLUMNS)
    missing = [c for c in COLUMNS if c not in table.header]
    if missing:
        problems.append(
            Problem(
                None, ", ".join(missing), "", f"the header needs the columns {', '.join(COLUMNS)}"
            )
        )
        return RankImportReport(problems=tuple(problems), problem_count=len(problems))
    at = {name: table.header.index(name) for name in COLUMNS}
    max_ranks = matching_round.programme.preference_max_ranks
    entries = []
    for row_number, cells in table.rows:

        def cell(name, cells=cells):
            k = at[name]
            return cells[k].strip() if k < len(cells) else ""

        mentee, mentor, rank_text = (
            cell("mentee_email").lower(),
            cell("mentor_email").lower(),
            cell("rank"),
        )
        try:
            rank = int(rank_text)
        except ValueError:
            problems.append(Problem(row_number, "rank", rank_text, "a whole number from 1"))
            continue
        if not 1 <= rank <= max_ranks:
            problems.append(
                Problem(
                    row_number,
                    "rank",
                    rank_text,
                    f"a rank from 1 to {max_ranks} (the programme's limit)",
                )
            )
            continue
        entries.append((row_number, mentee, mentor, rank))
    programme_id = matching_round.programme_id
    mentees = _members(programme_id, Role.MENTEE, {e[1] for e in entries})
    mentors = _members(programme_id, Role.MENTOR, {e[2] for e in entries})
    lists: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row_number, mentee, mentor, rank in entries:
        ok = True
        for column, email, found, who in (
            ("mentee_email", mentee, mentees, "mentee"),
            ("mentor_email", mentor, mentors, "mentor"),
        ):
            if email not in found:
                problems.append(
                    Problem(row_number, column, email, f"the email of a {who} with an account")
                )
                ok = False
            elif not found[email][1]:
                problems.append(
                    Problem(
                        row_number,
                        column,
                        email,
                        f"a {who} who is an active member of {matching_round.programme.name}",
                    )
                )
                ok = False
        if ok:
            lists[mentees[mentee][0]].append((row_number, mentors[mentor][0], rank))
    for _mentee_id, items in lists.items():
        seen_mentors, seen_ranks = set(), set()
        for row_number, mentor_id, rank in items:
            if mentor_id in seen_mentors:
                problems.append(
                    Problem(
                        row_number,
                        "mentor_email",
                        "",
                        "each mentor once per mentee (this mentor is ranked twice)",
                    )
                )
            if rank in seen_ranks:
                problems.append(
                    Problem(
                        row_number,
                        "rank",
                        str(rank),
                        "each rank once per mentee (this rank is used twice)",
                    )
                )
            seen_mentors.add(mentor_id)
            seen_ranks.add(rank)
        if seen_ranks and sorted(seen_ranks) != list(range(1, len(seen_ranks) + 1)):
            problems.append(
                Problem(
                    items[0][0],
                    "rank",
                    "",
                    f"ranks 1 to {len(seen_ranks)} without a gap for this mentee",
                )
            )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column))
        listed = tuple(problems[:PROBLEMS_LISTED])
        return RankImportReport(len(table.rows), 0, listed, len(problems))
    if not dry_run:
        db.session.execute(
            delete(MenteeRanking).where(
                MenteeRanking.round_id == round_id, MenteeRanking.mentee_id.in_(list(lists))
            )
        )
        db.session.flush()
        for mentee_id, items in lists.items():
            for _, mentor_id, rank in items:
                db.session.add(
                    MenteeRanking(
                        round_id=round_id, mentee_id=mentee_id, mentor_id=mentor_id, rank=rank
                    )
                )
        audit.record(
            actor,
            audit.PREFERENCES_IMPORTED,
            matching_round,
            rows=len(entries),
            mentees=len(lists),
        )
        db.session.commit()
    return RankImportReport(rows=len(entries), mentees=len(lists), saved=not dry_run)


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
