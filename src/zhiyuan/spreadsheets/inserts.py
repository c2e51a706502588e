"""Writing imported volunteers fast: each row a ready tuple of column values, inserted with
COPY (PostgreSQL) or one executemany (SQLite); and filling in registered people's blanks."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from zhiyuan.core.masking import mask_identifier, mask_phone
from zhiyuan.core.models import reserve
from zhiyuan.spreadsheets.models import ImportIssue
from zhiyuan.spreadsheets.validation import CleanRow
from zhiyuan.volunteers.idcard import Gender, IdType
from zhiyuan.volunteers.models import PoliticalStatus, Volunteer
from zhiyuan.volunteers.services import PRIVACY_NOTICE_VERSION

# The columns `volunteer_values` fills per row, in the order of its tuple; the volunteer number
# follows when the batch reserves its numbers (`numbered`, which also holds the values shared
# by the whole import, `job_values`).
ROW_COLUMNS = (
    "real_name",
    "id_type",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "birth_date",
    "gender",
    "phone_encrypted",
    "phone_index",
    "phone_masked",
    "community_id",
    "political_status",
    "national_no",
)
MASKED_ID_NUMBER = ROW_COLUMNS.index("id_number_masked")
JOB_COLUMNS = (
    "consent_version",
    "consented_at",
    "status",
    "reviewed_by_id",
    "reviewed_at",
    "created_at",
)
# Choices members as the plain strings they stand for (COPY and executemany want plain values).
_PLAIN = {member: member.value for kind in (Gender, IdType, PoliticalStatus) for member in kind}


def seal_rows(cleans: list[CleanRow], cipher) -> list[tuple[str, str, str, str]]:
    """Each row's ID number and phone encrypted and hashed, a batch at a time: (ID number's
    ciphertext, its blind index, phone's ciphertext, its blind index)."""
    numbers = [clean.document.number for clean in cleans]
    phones = [clean.phone for clean in cleans]
    return list(
        zip(
            cipher.encrypt_many(numbers),
            cipher.blind_indexes("id_number", [clean.document.index_value for clean in cleans]),
            cipher.encrypt_many(phones),
            cipher.blind_indexes("phone", phones),
            strict=True,
        )
    )


def volunteer_values(clean: CleanRow, sealed: tuple[str, str, str, str], adapt_date) -> tuple:
    """The values of one new volunteer, in the order of ROW_COLUMNS (`sealed`: its
    `seal_rows` tuple)."""
    document = clean.document
    number_encrypted, index, phone_encrypted, phone_index = sealed
    plain = _PLAIN.get
    return (
        clean.real_name,
        plain(document.id_type, document.id_type),
        number_encrypted,
        index,
        mask_identifier(document.number),
        adapt_date(clean.birth_date),
        plain(clean.gender, clean.gender),
        phone_encrypted,
        phone_index,
        mask_phone(clean.phone),
        clean.community_id,
        plain(clean.political_status, clean.political_status),
        clean.national_no,
    )


def job_values(actor_id: int, now) -> tuple:
    """The values of JOB_COLUMNS and the defaulted fields, the same for every volunteer."""
    fields = {f.attname: f for f in Volunteer._meta.concrete_fields}
    stamp = fields["created_at"].get_db_prep_save(now, connection)
    # An office import is the office vouching for each person, as when an office admin
    # registers someone: active at once, reviewed by the importer.
    shared = (PRIVACY_NOTICE_VERSION, stamp, Volunteer.Status.ACTIVE.value, actor_id, stamp, stamp)
    return shared + tuple(f.get_db_prep_save(f.get_default(), connection) for f in _defaults())


def _defaults() -> list:
    """The fields the import does not set (their model defaults go in, so a new optional
    field of Volunteer needs no change here)."""
    taken = {*ROW_COLUMNS, "volunteer_no", *JOB_COLUMNS}
    return [
        f for f in Volunteer._meta.concrete_fields if not f.primary_key and f.attname not in taken
    ]


def _fields() -> list:
    """The inserted fields: ROW_COLUMNS and the volunteer number (a `numbered` row), then
    JOB_COLUMNS and the defaulted fields (its `shared` values)."""
    fields = {f.attname: f for f in Volunteer._meta.concrete_fields}
    return [
        *(fields[name] for name in (*ROW_COLUMNS, "volunteer_no", *JOB_COLUMNS)),
        *_defaults(),
    ]


class NumberedRows(list):
    """A batch's new volunteers as `numbered` gives them: each row ROW_COLUMNS' values and
    its volunteer number, and `shared`, the values of the other columns (the same for every
    row of the import)."""

    def __init__(self, rows, shared: tuple):
        super().__init__(rows)
        self.shared = shared


def _sqlite_literal(value) -> str | None:
    """`value` as an SQLite literal, or None if it is better bound as a parameter. Only for
    the import's shared values (constants and model defaults, never a cell's text)."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    # A "%" would be read as a placeholder when the backend turns "%s" into "?".
    if type(value) is str and "\x00" not in value and "%" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _copy_types(fields: list) -> list[str]:
    """The PostgreSQL types of `fields` as a binary COPY names them ("varchar(20)" ->
    "varchar"; the column's length is still checked by the server)."""
    return [f.db_type(connection).split("(")[0] for f in fields]


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def insert_volunteers(rows: NumberedRows, skills: list[list[int]]) -> None:
    """INSERT the rows (`numbered`: each its own values and number, and the values they
    share), then their skills.

    The ORM's bulk_create spent most of an import preparing 24 values per row through each
    field; here each row is a ready tuple. On PostgreSQL the rows go in with a binary COPY,
    under ids drawn from the table's sequence; on SQLite with one executemany, the shared
    values written into the statement once (binding 11 of 24 values a row again and again
    was an eighth of the executemany).
    """
    quote = connection.ops.quote_name
    table = quote(Volunteer._meta.db_table)
    fields = _fields()
    names = [f.column for f in fields]
    through = Volunteer.skills.through
    skill_table = quote(through._meta.db_table)
    skill_names = f"{quote('volunteer_id')}, {quote('skill_id')}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Volunteer._meta.db_table, len(rows)],
            )
            ids = [value for (value,) in cursor.fetchall()]
            columns_sql = ", ".join(quote(name) for name in ["id", *names])
            # Straight to psycopg, outside Django's cursor wrapper: translate its errors
            # (a unique violation must reach run_job as IntegrityError).
            with connection.wrap_database_errors:
                raw = cursor.cursor
                # Binary: psycopg writes each value in C, where COPY's text cost this
                # process 0.5 CPU s of a 70,000-row import.
                with raw.copy(f"COPY {table} ({columns_sql}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_copy_types([Volunteer._meta.pk, *fields]))
                    write, shared = copy.write_row, rows.shared
                    for pk, row in zip(ids, rows, strict=True):
                        write((pk, *row, *shared))
                # Two integers a line: written as COPY's text directly, not row by row.
                links = "".join(
                    f"{int(pk)}\t{int(skill_id)}\n"
                    for pk, skill_ids in zip(ids, skills, strict=True)
                    for skill_id in skill_ids
                )
                if links:
                    with raw.copy(f"COPY {skill_table} ({skill_names}) FROM STDIN") as copy:
                        copy.write(links)
        return
    columns_sql = ", ".join(quote(name) for name in names)
    literals = [_sqlite_literal(value) for value in rows.shared]
    bound = tuple(v for v, literal in zip(rows.shared, literals, strict=True) if literal is None)
    marks = ", ".join(
        ["%s"] * (len(names) - len(literals))
        + [literal if literal is not None else "%s" for literal in literals]
    )
    # Only identifiers from the model's meta, quoted, and the import's own shared values
    # (`_sqlite_literal`: numbers and quoted texts from the code and the model's defaults) go
    # into the text; each row's values are parameters.
    sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + bound for row in rows] if bound else rows)
        if not any(skills):
            return
        ids = _sqlite_ids(cursor, table, rows)
        cursor.executemany(
            f"INSERT INTO {skill_table} ({skill_names}) VALUES (%s, %s)",  # noqa: S608
            [
                (pk, skill_id)
                for pk, skill_ids in zip(ids, skills, strict=True)
                for skill_id in skill_ids
            ],
        )


def insert_issues(job_id: int, issues: list[tuple]) -> None:
    """INSERT a batch's ImportIssues, each (row, kind, column, value, reason) (the ORM's
    bulk_create built and prepared a model instance per issue)."""
    quote = connection.ops.quote_name
    table = quote(ImportIssue._meta.db_table)
    names = ", ".join(
        quote(name) for name in ("job_id", "row", "kind", "column", "value", "reason")
    )
    # Only identifiers from the model's meta, quoted, go into the text; values are parameters.
    sql = f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(job_id, *issue) for issue in issues])


def _sqlite_ids(cursor, table: str, rows: list[tuple]) -> list[int]:
    """The ids of the rows just inserted by one executemany, in their order. The table's ids
    are AUTOINCREMENT and this transaction holds SQLite's only write lock, so the rows took
    consecutive ids ending at `last_insert_rowid()`: checked at both ends, else looked up."""
    quote = connection.ops.quote_name
    number, pk = quote("volunteer_no"), quote("id")
    cursor.execute("SELECT last_insert_rowid()")
    (last,) = cursor.fetchone()
    first = last - len(rows) + 1
    cursor.execute(
        f"SELECT {pk}, {number} FROM {table} WHERE {pk} IN (%s, %s)",  # noqa: S608
        [first, last],
    )
    ends = dict(cursor.fetchall())
    if ends.get(first) == rows[0][-1] and ends.get(last) == rows[-1][-1]:
        return list(range(first, last + 1))
    ids: dict[str, int] = {}
    for chunk in _chunks([row[-1] for row in rows]):
        cursor.execute(
            f"SELECT {number}, {pk} FROM {table} "  # noqa: S608
            f"WHERE {number} IN ({', '.join(['%s'] * len(chunk))})",
            chunk,
        )
        ids.update(cursor.fetchall())
    return [ids[row[-1]] for row in rows]


def numbered(volunteers: list[tuple], shared: tuple) -> NumberedRows:
    """The rows (`volunteer_values`) each with a volunteer number reserved now, and the
    import's shared values (`job_values`)."""
    prefix = settings.VOLUNTEER_NUMBER_PREFIX
    return NumberedRows(
        [
            (*row, f"{prefix}{number:08d}")
            for row, number in zip(
                volunteers, reserve("volunteer_no", len(volunteers)), strict=True
            )
        ],
        shared,
    )


def fill_blanks(fills: list[tuple[str, CleanRow]]) -> None:
    """Registered people's empty fields from their rows: skills when they have none, the
    political status when it is the default, the national number when they have none.
    Nothing they already hold is overwritten."""
    by_index = dict(fills)
    people = Volunteer.objects.filter(id_number_index__in=list(by_index)).values_list(
        "pk", "id_number_index", "political_status", "national_no"
    )
    through = Volunteer.skills.through
    with_skills = set(
        through.objects.filter(volunteer_id__in=[p[0] for p in people]).values_list(
            "volunteer_id", flat=True
        )
    )
    links = []
    for pk, index, status, national_no in people:
        clean = by_index[index]
        if clean.national_no and not national_no:
            Volunteer.objects.filter(pk=pk, national_no__isnull=True).update(
                national_no=clean.national_no
            )
        if pk not in with_skills:
            links += [through(volunteer_id=pk, skill_id=s) for s in clean.skill_ids]
        if status == PoliticalStatus.MASSES and clean.political_status != PoliticalStatus.MASSES:
            Volunteer.objects.filter(pk=pk).update(political_status=clean.political_status)
    through.objects.bulk_create(links, ignore_conflicts=True)
