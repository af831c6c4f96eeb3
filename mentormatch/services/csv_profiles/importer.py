"""Importing mentees or mentors from a CSV file: all rows or none.

Every row is checked before anything is saved, and the report lists the problems as row
(numbered as a spreadsheet shows it, the header being row 1), column, value and what is
expected: all of them, or the first ``max_problems`` and a count of the rest, so that a file
of 50,000 bad rows gives a page a person can read. People are keyed by email, so importing
the same file again updates them and creates nobody twice. New people get an account
without a password and an invitation, queued in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.codes import plural
from mentormatch.extensions import db
from mentormatch.models import MembershipStatus, Programme, ProgrammeMember, User
from mentormatch.models.times import utcnow
from mentormatch.services import audit, mail
from mentormatch.services.accounts import NAME_MAX_LENGTH, normalise_email
from mentormatch.services.csv_profiles.columns import (
    ANYWHERE,
    LAYOUTS,
    REQUIRED_HINTS,
    Layout,
    layout_for,
    profile_cells,
    stored_values,
    unneutralise,
)
from mentormatch.services.csv_profiles.reader import UTF8, Table, UnreadableFile, read_table
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.invitations import queue_invitation
from mentormatch.services.profile_fields import (
    MULTI_SEPARATOR,
    MenteeFields,
    MentorFields,
    split_codes,
)
from mentormatch.services.profiles import apply_fields
from mentormatch.services.programmes import catalogue, membership

# Sending more mail than this inside the import would keep a coordinator waiting for
# minutes; larger batches stay in the outbox for the scheduled sender (`mentormatch mail send`).
INLINE_INVITATIONS_MAX = 20
_EMAIL_QUERY_CHUNK = 500  # well under every database's limit of bound parameters
_KNOWN_COLUMNS = frozenset(name for layout in LAYOUTS.values() for name in layout.columns)


@dataclass(frozen=True)
class Problem:
    """One thing to fix; ``row`` is None when the whole file is the problem."""

    row: int | None
    column: str
    value: str
    expected: str


class CheckedFile:
    """What a report of a checked CSV file says beyond its fields (profile imports, rank lists):
    the report has `dry_run`, `problems` (the listed ones), `problem_count` (all),
    `problem_rows` and `encoding`."""

    dry_run: bool
    problems: tuple
    problem_count: int
    problem_rows: int
    encoding: str

    def refused_text(self, again: str) -> str:
        """The summary of a refused file; `again`: what to do once it is fixed."""
        where = f" in {plural(self.problem_rows, 'row')}" if self.problem_rows else ""
        problems = plural(self.problem_count, "problem")
        return f"Nothing was saved: {problems}{where}. Fix the file and {again}."

    @property
    def read_as(self) -> str:
        """How the file was read, when not as UTF-8 (said after a passed check)."""
        return f" (read as {self.encoding} text)" if self.encoding != UTF8 else ""

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def unlisted(self) -> int:
        """How many problems the report counts but does not list."""
        return self.problem_count - len(self.problems)


@dataclass(frozen=True)
class ImportReport(CheckedFile):
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()  # the listed ones: all, or the first max_problems
    problem_count: int = 0  # every problem found
    problem_rows: int = 0  # rows with at least one problem
    unlisted_rows: int = 0  # rows with a problem beyond those listed
    encoding: str = UTF8

    @property
    def summary(self) -> str:
        if not self.ok:
            return self.refused_text("import it again")
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.dry_run:
            return (
                f"Check passed for {plural(self.rows, self.kind + ' row')}{self.read_as}; nothing "
                f"was saved. Importing would give {counts}."
            )
        invited = ""
        if self.created:
            invited = (
                " (each new person is sent an invitation)"
                if self.created <= INLINE_INVITATIONS_MAX
                else " (their invitations are queued and go out with the next scheduled mail run)"
            )
        return f"Imported {plural(self.rows, self.kind + ' row')}: {counts}{invited}."


@dataclass
class _Row:
    number: int
    email: str
    full_name: str
    fields: MenteeFields | MentorFields
    user: User | None  # None: a new person
    changed: bool = True


@dataclass
class _Check:
    """The problems found so far: the first ``limit`` kept, every one counted. Problems are
    added in row order (whole-file ones first), so the kept ones are the file's first."""

    limit: int | None = None
    problems: list[Problem] = field(default_factory=list)
    count: int = 0
    rows: set[int] = field(default_factory=set)
    unlisted_rows: set[int] = field(default_factory=set)

    def add(self, row: int | None, column: str, value: str, expected: str) -> None:
        self.count += 1
        if row is not None:
            self.rows.add(row)
        if self.limit is None or len(self.problems) < self.limit:
            self.problems.append(Problem(row, column, value, expected))
        elif row is not None:
            self.unlisted_rows.add(row)

    def report(self, kind: str, dry_run: bool, rows: int = 0) -> ImportReport:
        """The failed import's report: whole-file problems first, then by row."""
        ordered = sorted(self.problems, key=lambda problem: problem.row or 0)
        return ImportReport(
            kind,
            dry_run,
            rows=rows,
            problems=tuple(ordered),
            problem_count=self.count,
            problem_rows=len(self.rows),
            unlisted_rows=len(self.unlisted_rows),
        )


def import_profiles(
    data: bytes,
    kind: str,
    *,
    dry_run: bool = False,
    max_bytes: int | None = None,
    max_problems: int | None = None,
    actor_id: int | None = None,
    programme_id: int | None = None,
) -> ImportReport:
    """Check the whole file, then save every row in one transaction, or nothing. The report
    lists at most ``max_problems`` problems (None: all) and counts every one. Everyone in the
    file becomes a member of ``programme_id`` (None: the only live programme)."""
    layout = layout_for(kind)
    check = _Check(limit=max_problems)
    try:
        programme = _programme(programme_id)
    except (NotFound, ValidationError) as exc:
        message = exc.errors[0][1] if isinstance(exc, ValidationError) else str(exc)
        check.add(None, "", "", message)
        return check.report(kind, dry_run)
    if max_bytes is not None and len(data) > max_bytes:
        check.add(
            None,
            "",
            size_text(len(data)),
            f"Files can be at most {size_text(max_bytes)}. Split the file into smaller ones "
            "(keep the header row in each) and import them one after another.",
        )
        return check.report(kind, dry_run)
    try:
        table = read_table(data, _KNOWN_COLUMNS)
    except UnreadableFile as exc:
        check.add(None, "", "", str(exc))
        return check.report(kind, dry_run)

    rows_readable = _check_header(layout, table, check)
    if not table.rows:
        check.add(
            table.header_row + 1,
            "",
            "",
            "The file has a header row but no people below it; add one row per person.",
        )
    rows = _check_rows(layout, table, check) if rows_readable else []
    if check.count or dry_run:
        db.session.rollback()  # only reads happened; end them
    if check.count:
        return check.report(kind, dry_run, rows=len(table.rows))
    report = ImportReport(
        kind,
        dry_run,
        rows=len(rows),
        created=sum(row.user is None for row in rows),
        updated=sum(row.user is not None and row.changed for row in rows),
        unchanged=sum(row.user is not None and not row.changed for row in rows),
        encoding=table.encoding,
    )
    if dry_run:
        return report
    try:
        _save(layout, rows, actor_id, programme)
    except IntegrityError:
        db.session.rollback()
        check.add(
            None,
            "email",
            "",
            "Someone else added one of these people while the file was being imported, so "
            "nothing was saved. Import the file again to update them.",
        )
        return check.report(kind, dry_run, rows=len(rows))
    return report


def _programme(programme_id: int | None) -> Programme:
    programme = catalogue.resolve(None) if programme_id is None else catalogue.get(programme_id)
    if programme.archived:
        raise ValidationError.single(
            "programme", f"{programme.name} is archived and takes no new members."
        )
    return programme


def size_text(size: int) -> str:
    """A file size as a person reads it: '200 bytes', '12 KB', '5 MB'."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _check_header(layout: Layout, table: Table, check: _Check) -> bool:
    """Add the header's problems; True if the rows can still be checked (every required
    column is there, once), so that one report lists the problems of rows too."""
    row = table.header_row
    readable = True
    seen: set[str] = set()
    unknown: list[str] = []
    for position, name in enumerate(table.header):
        if not name:
            if any(position < len(cells) and cells[position] for _, cells in table.rows):
                check.add(
                    row,
                    f"column {position + 1}",
                    "",
                    "This column has values but no name in the header row; name it or delete it.",
                )
            continue
        if name in seen:
            check.add(row, name, name, "This column appears twice; keep only one of them.")
            readable = False
        elif name not in layout.columns:
            unknown.append(name)
        seen.add(name)
    if unknown:
        others = [other for other in LAYOUTS.values() if other is not layout]
        hint = "".join(
            f" This looks like a {other.kind} file: import it as {other.kind}s."
            for other in others
            if all(name in other.columns for name in unknown)
        )
        for name in unknown:
            check.add(
                row,
                name,
                name,
                f"Unknown column for {layout.kind}s; rename or delete it. The columns are: "
                f"{', '.join(layout.columns)}.{hint}",
            )
    for name in layout.required:
        if name not in seen:
            readable = False
            check.add(
                row,
                name,
                "",
                f"Missing column. A {layout.kind} file needs the columns "
                f"{', '.join(layout.required)}; the others are optional.",
            )
    return readable


def _cells_by_column(table: Table, cells: tuple[str, ...]) -> dict[str, str]:
    return {
        name: unneutralise(cells[position]) if position < len(cells) else ""
        for position, name in enumerate(table.header)
        if name
    }


def _check_rows(layout: Layout, table: Table, check: _Check) -> list[_Row]:
    width = len(table.header)
    email_at = table.header.index("email")
    first_row_of: dict[str, int] = {}
    emails: dict[int, str] = {}
    # The emails first (every row's is needed to look people up at once); their problems are
    # reported with the rest of their row's, so that problems stay in row order.
    email_problems: dict[int, tuple[str, str]] = {}
    for number, cells in table.rows:
        raw_email = unneutralise(cells[email_at]) if email_at < len(cells) else ""
        if not raw_email:
            email_problems[number] = ("", REQUIRED_HINTS["email"])
            continue
        try:
            email = normalise_email(raw_email)
        except ValidationError as exc:
            email_problems[number] = (raw_email, exc.errors[0][1])
            continue
        if email in first_row_of:
            email_problems[number] = (
                raw_email,
                f"This person is already on row {first_row_of[email]}; each person may appear "
                "only once in a file. Merge the two rows into one.",
            )
            continue
        first_row_of[email] = number
        emails[number] = email

    existing = _existing_users(layout, emails.values())
    rows: list[_Row] = []
    for number, cells in table.rows:
        if number in email_problems:
            check.add(number, "email", *email_problems[number])
        if len(cells) > width and any(cells[width:]):
            check.add(
                number,
                f"column {width + 1}",
                next(cell for cell in cells[width:] if cell),
                f"This row has more cells than the header row names ({width}); delete the "
                "extra cells or add a name for their column.",
            )
        row = _check_row(layout, number, table, cells, emails.get(number), existing, check)
        if row is not None:
            rows.append(row)
    return rows


def _existing_users(layout: Layout, emails: Iterable[str]) -> dict[str, User]:
    wanted = sorted(set(emails))
    profile = getattr(User, layout.profile_attribute)
    found: dict[str, User] = {}
    for start in range(0, len(wanted), _EMAIL_QUERY_CHUNK):
        chunk = wanted[start : start + _EMAIL_QUERY_CHUNK]
        query = select(User).where(User.email.in_(chunk)).options(selectinload(profile))
        found.update((user.email, user) for user in db.session.scalars(query))
    return found


def _check_row(
    layout: Layout,
    number: int,
    table: Table,
    cells: tuple[str, ...],
    email: str | None,
    existing: dict[str, User],
    check: _Check,
) -> _Row | None:
    """The row ready to save, or None after adding its problems to ``check``."""
    before = check.count
    raw = _cells_by_column(table, cells)
    user = existing.get(email) if email else None
    if user is not None and user.role != layout.kind:
        check.add(
            number,
            "email",
            raw["email"],
            f"{email} already belongs to a {user.role}'s account, and a person has one role "
            f"only. Remove this row, or give this {layout.kind} another email address.",
        )
        user = None
    profile = getattr(user, layout.profile_attribute) if user is not None else None

    # Columns the file leaves out keep their stored values, so that a file with a few columns
    # updates just those (and rules across fields see the whole profile).
    values: dict[str, str] = {}
    if user is not None:
        values.update(profile_cells(layout, stored_values(layout, profile)))
    values.update(raw)

    missing = {
        name
        for name in layout.required
        if name not in ("email", "preferred_regions") and not raw.get(name)
    }
    for name in layout.required:
        if name in missing:
            check.add(number, name, "", REQUIRED_HINTS[name])
    full_name = " ".join(values.get("full_name", "").split())
    if len(full_name) > NAME_MAX_LENGTH:
        check.add(
            number,
            "full_name",
            full_name,
            f"Use at most {NAME_MAX_LENGTH} characters ({len(full_name)} here).",
        )
    if "preferred_regions" in layout.required:
        unanswered = profile is not None and not (
            profile.preferred_regions or profile.regions_anywhere
        )
        _read_anywhere(number, values, check, keep_unanswered=unanswered)

    try:
        fields = layout.parse(values)
    except ValidationError as exc:
        for name, message in exc.errors:
            if name not in missing:  # already said: required
                check.add(number, name, values.get(name, ""), message)
        return None
    if (
        isinstance(fields, MenteeFields)
        and values.get("usmle_step2ck_score")
        and fields.usmle_step2ck != "score"
    ):
        check.add(
            number,
            "usmle_step2ck_score",
            values["usmle_step2ck_score"],
            "A Step 2 CK score needs 'score' in usmle_step2ck (or write the score there); "
            "otherwise leave this cell empty.",
        )
    if (
        isinstance(fields, MentorFields)
        and profile is not None
        and fields.capacity < profile.seats_taken
    ):
        check.add(
            number,
            "capacity",
            values.get("capacity", ""),
            f"This mentor already has {profile.seats_taken} active or proposed mentees; "
            f"capacity cannot be lower than {profile.seats_taken}.",
        )
    if check.count > before or email is None:
        return None
    changed = (
        user is None
        or profile is None
        or user.full_name != full_name
        or stored_values(layout, profile) != fields.as_dict()
    )
    return _Row(number, email, full_name, fields, user, changed)


def _read_anywhere(
    number: int, values: dict[str, str], check: _Check, *, keep_unanswered: bool
) -> None:
    """'anywhere' in preferred_regions, or nothing, means no preference (the regions_anywhere
    field), as shared/domain.md defines it. Except: an empty cell on the row of someone whose
    profile has no answer yet (an export of a mentee who never answered, imported back)
    leaves it unanswered, so that importing an export changes nothing."""
    items = [item.lower() for item in split_codes(values.get("preferred_regions", ""))]
    if not items:
        if not keep_unanswered:
            values["regions_anywhere"] = "yes"
        return
    if ANYWHERE not in items:
        return
    others = [item for item in items if item != ANYWHERE]
    if others:
        check.add(
            number,
            "preferred_regions",
            values["preferred_regions"],
            f"Write either '{ANYWHERE}' or states and divisions separated by "
            f"'{MULTI_SEPARATOR}', not both.",
        )
    values["preferred_regions"] = MULTI_SEPARATOR.join(others)
    values["regions_anywhere"] = "no" if others else "yes"


def _save(layout: Layout, rows: list[_Row], actor_id: int | None, programme: Programme) -> None:
    new_users: list[User] = []
    for row in rows:
        if row.user is None:
            user = User(email=row.email, full_name=row.full_name, role=layout.kind)
            profile = layout.profile_model(user=user)
            apply_fields(profile, row.fields)
            db.session.add(user)
            new_users.append(user)
        elif row.changed:
            row.user.full_name = row.full_name
            profile = getattr(row.user, layout.profile_attribute)
            if profile is None:
                profile = layout.profile_model(user=row.user)
                db.session.add(profile)
            apply_fields(profile, row.fields)
    db.session.flush()  # the invitations need the new users' ids
    for user in new_users:
        queue_invitation(user)
    joined = _join_programme(
        programme, new_users, [row.user for row in rows if row.user], actor_id
    )
    audit.record(
        actor_id, audit.PROFILES_IMPORTED, None, programme_id=programme.id, kind=layout.kind,
        created=len(new_users), updated=sum(row.user is not None and row.changed for row in rows),
        joined=joined,
    )  # fmt: skip
    if len(new_users) > INLINE_INVITATIONS_MAX:
        mail.leave_to_scheduled_sender()
    db.session.commit()


def _join_programme(
    programme: Programme, new_users: list[User], known: list[User], actor_id: int | None
) -> int:
    """Make everyone in the file a member of ``programme``; how many joined. New people get
    their membership row with their account (the import's audit entry counts them); people
    with an account who are not yet active there join through ``membership.join``. The
    memberships are read in bulk, so a file of people already in the programme costs a query
    per 500 rows, not one per row."""
    now = utcnow()
    for user in new_users:
        db.session.add(
            ProgrammeMember(
                programme_id=programme.id, user_id=user.id, status=MembershipStatus.ACTIVE,
                joined_via=membership.Via.IMPORT, applied_at=now, decided_at=now,
                decided_by_id=actor_id,
            )
        )  # fmt: skip
    current: set[int] = set()
    ids = sorted(user.id for user in known)
    for start in range(0, len(ids), _EMAIL_QUERY_CHUNK):
        current.update(
            db.session.scalars(
                select(ProgrammeMember.user_id).where(
                    ProgrammeMember.programme_id == programme.id,
                    ProgrammeMember.user_id.in_(ids[start : start + _EMAIL_QUERY_CHUNK]),
                    ProgrammeMember.status.in_(
                        [MembershipStatus.ACTIVE, MembershipStatus.PENDING]
                    ),
                )
            )
        )
    joining = [user for user in known if user.id not in current]
    for user in joining:
        membership.join(programme, user, membership.Via.IMPORT, actor_id=actor_id)
    return len(new_users) + len(joining)


def iter_problem_lines(report: ImportReport) -> Iterator[str]:
    """The report's problems as lines of text, for the command line."""
    for problem in report.problems:
        where = "file" if problem.row is None else f"row {problem.row}"
        column = f", column {problem.column}" if problem.column else ""
        value = f", value {problem.value!r}" if problem.value else ""
        yield f"{where}{column}{value}: {problem.expected}"
