"""Example tests of `storage/filters.py`: SCIM filters and sortBy evaluated by SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from sqlalchemy import Connection, Table, create_engine, insert, select
from sqlalchemy.engine import Engine

from reference_server.scim.attributes import (
    ResourceDefinition,
    group_definition,
    user_definition,
)
from reference_server.scim.errors import ScimError, ScimType
from reference_server.scim.folding import fold, fold_document
from reference_server.storage.filters import column_equality, filter_clause, sort_key
from reference_server.storage.tables import group_members, groups, metadata, teams, users

TEAM = "team-1"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# What the fold document leaves to columns and relations (see storage/tables.py).
NOT_IN_FOLD = {"id", "externalId", "active", "meta", "groups", "roles", "members", "password"}

USERS: dict[str, dict[str, Any]] = {
    "bjensen": {
        "userName": "BJensen",
        "active": True,
        "externalId": "ext-ABC",
        "displayName": "Babs Jensen",
        "title": "Tour Guide",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        ENTERPRISE: {"department": "Tour Operations"},
        "created": "2015-10-10T21:38:21.861797Z",
    },
    "percent": {
        "userName": "100%_off",
        "title": "",
        "emails": [{"value": "deals@x.io", "type": "home"}, {"value": "w@x.io", "type": "work"}],
        "active": False,
        "created": "2020-01-01T00:00:00.000000Z",
    },
    "strasse": {
        "userName": "Straße",
        "externalId": "ext-abc",
        "name": {"givenName": "Élodie"},
        ENTERPRISE: {"department": "x"},
        "created": "2021-06-15T12:00:00.000000Z",
    },
}

ALL = set(USERS)


def fold_of(document: Mapping[str, Any]) -> str:
    stored = {key: value for key, value in document.items() if key not in NOT_IN_FOLD}
    return json.dumps(fold_document(user_definition(), stored), ensure_ascii=False)


def user_row(user_id: str, document: dict[str, Any]) -> dict[str, Any]:
    created = document.pop("created")
    display = document.get("displayName")
    return {
        "id": user_id,
        "team_id": TEAM,
        "user_name": document["userName"],
        "user_name_key": fold(document["userName"]),
        "external_id": document.get("externalId"),
        "display_name_key": fold(display) if display is not None else None,
        "active": document.get("active"),  # NULL: unassigned (storage/tables.py)
        "role": "Admin" if user_id == "bjensen" else "member",
        "doc": json.dumps(document),
        "fold": fold_of(document),
        "created": created,
        "last_modified": created,
        "version": 1,
    }


def group_row(group_id: str, display: str, *, deleted: bool = False) -> dict[str, Any]:
    return {
        "id": group_id,
        "team_id": TEAM,
        "display_name_key": fold(display),
        "external_id": None,
        "doc": json.dumps({"displayName": display}),
        "fold": json.dumps({"displayName": fold(display)}),
        "created": "2020-01-01T00:00:00.000000Z",
        "last_modified": "2020-01-01T00:00:00.000000Z",
        "version": 1,
        "deleted_at": "2024-01-01T00:00:00.000000Z" if deleted else None,
    }


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        team = {"id": TEAM, "slug": "t", "scim_token_hash": "h", "app_token_hash": "h"}
        conn.execute(insert(teams), [{**team, "created": "2020-01-01T00:00:00Z"}])
        rows = [user_row(user_id, dict(doc)) for user_id, doc in USERS.items()]
        gone = user_row("gone", {"userName": "gone", "created": "2020-01-01T00:00:00.000000Z"})
        conn.execute(insert(users), rows)
        conn.execute(insert(users).values(**gone, deleted_at="2024-01-01T00:00:00Z"))
        conn.execute(
            insert(groups),
            [
                group_row("g-admins", "Admins"),
                group_row("g-old", "Old", deleted=True),
                group_row("g-gone", "Gone"),
            ],
        )
        memberships = [
            ("g-admins", "bjensen", 2),
            ("g-admins", "strasse", 1),
            ("g-old", "percent", 1),
            ("g-gone", "gone", 1),
        ]
        conn.execute(
            insert(group_members),
            [{"group_id": g, "member_id": m, "seq": s} for g, m, s in memberships],
        )
    yield engine
    engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        yield conn


def matching(
    conn: Connection,
    expression: str,
    table: Table = users,
    definition: ResourceDefinition | None = None,
) -> set[str]:
    definition = definition or user_definition()
    statement = select(table.c.id).where(
        table.c.team_id == TEAM,
        table.c.deleted_at.is_(None),
        filter_clause(definition, table, expression),
    )
    return set(conn.execute(statement).scalars())


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName eq "bjensen"', {"bjensen"}),
        ('userName ne "bjensen"', {"percent", "strasse"}),
        ('userName co "JENS"', {"bjensen"}),
        ('userName sw "b"', {"bjensen"}),
        ('userName ew "SSE"', {"strasse"}),
        ('userName gt "bjensen"', {"strasse"}),
        ('userName ge "bjensen"', {"bjensen", "strasse"}),
        ('userName lt "bjensen"', {"percent"}),
        ('userName le "bjensen"', {"bjensen", "percent"}),
        ("title pr", {"bjensen"}),  # an empty string is not present
        ("name pr", {"bjensen", "strasse"}),
        ("emails pr", {"bjensen", "percent"}),
        ("emails.primary pr", {"bjensen"}),
        ("title eq null", {"strasse"}),
        ("title ne null", {"bjensen", "percent"}),
        ("emails.primary eq null", ALL),  # bjensen's home email has no primary
        ("emails.value eq null", {"strasse"}),
    ],
)
def test_each_operator(conn: Connection, expression: str, expected: set[str]) -> None:
    assert matching(conn, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName sw "b" or userName sw "s" and title pr', {"bjensen"}),
        ('(userName sw "b" or userName sw "s") and not (title pr)', {"strasse"}),
        ('not (userName eq "bjensen") and not(active eq false)', {"strasse"}),
        ('not (not (emails.type eq "home"))', {"bjensen", "percent"}),
    ],
)
def test_logical_grouping_and_not(conn: Connection, expression: str, expected: set[str]) -> None:
    assert matching(conn, expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        'externalId eq "ext-abc"',
        'displayName co "babs"',
        'title sw "tour"',
        'emails[type eq "work" and value co "example"]',
        'emails.type ne "home"',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"',
        'meta.created gt "2016-01-01T00:00:00Z"',
        "groups pr",
        'roles.value eq "admin"',
    ],
)
def test_not_is_the_exact_complement(conn: Connection, expression: str) -> None:
    selected = matching(conn, expression)
    complement = matching(conn, f"not ({expression})")
    assert selected.isdisjoint(complement)
    assert selected | complement == ALL


def test_value_path_applies_to_one_element(conn: Connection) -> None:
    # bjensen has a work email and an email containing "jensen.org", but not in one element.
    assert matching(conn, 'emails[type eq "work" and value co "jensen.org"]') == set()
    assert matching(conn, 'emails[type eq "home" and value co "JENSEN.ORG"]') == {"bjensen"}
    assert matching(conn, 'emails[not (type eq "work")]') == {"bjensen", "percent"}
    assert matching(conn, 'emails[type eq "work" and primary eq true]') == {"bjensen"}
    # The Entra form: a sub-attribute comparison after the brackets joins the element filter.
    assert matching(conn, 'emails[type eq "work"].value ew "@x.io"') == {"percent"}


def test_multi_valued_semantics(conn: Connection) -> None:
    assert matching(conn, 'emails co "x.io"') == {"percent"}  # compares emails.value
    assert matching(conn, 'emails.type eq "home"') == {"bjensen", "percent"}
    # ne on a multi-valued attribute: no value equals the operand.
    assert matching(conn, 'emails.type ne "work"') == {"strasse"}


def test_extension_urn_paths(conn: Connection) -> None:
    urn_path = f"{ENTERPRISE}:department"
    assert matching(conn, f'{urn_path} eq "X"') == {"strasse"}
    assert matching(conn, f'{urn_path.upper()} sw "tour"') == {"bjensen"}
    assert matching(conn, f"{urn_path} pr") == {"bjensen", "strasse"}
    assert matching(conn, 'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "b"') == {
        "bjensen"
    }
    assert matching(conn, 'urn:ietf:params:scim:schemas:core:2.0:User:id eq "percent"') == {
        "percent"
    }


def test_names_operators_and_values_are_case_insensitive(conn: Connection) -> None:
    assert matching(conn, 'USERNAME EQ "BJENSEN"') == {"bjensen"}
    assert matching(conn, 'Name.GivenName Sw "éLO"') == {"strasse"}
    # casefold, not lower: "ß" compares as "ss" (RFC 7644 7.8 asks for prepared strings).
    assert matching(conn, 'userName eq "STRASSE"') == {"strasse"}
    assert matching(conn, 'emails[TYPE eq "WORK"]') == {"bjensen", "percent"}


def test_case_exact_attributes(conn: Connection) -> None:
    assert matching(conn, 'externalId eq "ext-ABC"') == {"bjensen"}
    assert matching(conn, 'externalId eq "ext-abc"') == {"strasse"}
    assert matching(conn, 'externalId sw "EXT"') == set()
    assert matching(conn, 'id eq "BJENSEN"') == set()
    assert matching(conn, 'meta.resourceType eq "User"') == ALL
    assert matching(conn, 'meta.resourceType eq "user"') == set()


def test_percent_and_underscore_match_literally(conn: Connection) -> None:
    assert matching(conn, 'userName co "%"') == {"percent"}
    assert matching(conn, 'userName co "_"') == {"percent"}
    assert matching(conn, 'userName sw "1__"') == set()
    assert matching(conn, 'userName ew "%_OFF"') == {"percent"}


def test_meta_dates(conn: Connection) -> None:
    # 7 fractional digits and an offset: 14:38:21.8617979-07:00 is 21:38:21.861797Z.
    assert matching(conn, 'meta.created eq "2015-10-10T14:38:21.8617979-07:00"') == {"bjensen"}
    assert matching(conn, 'meta.created gt "2015-10-10T21:38:21.861797Z"') == {"percent", "strasse"}
    assert matching(conn, 'meta.lastModified le "2020-01-01T01:00:00+01:00"') == {
        "bjensen",
        "percent",
    }
    assert matching(conn, 'meta.created lt "2021-06-15T12:00:00"') == {"bjensen", "percent"}
    assert matching(conn, "meta pr") == ALL


def test_active_operand_is_coerced_like_scim2_models(conn: Connection) -> None:
    # strasse's active is unassigned (NULL): rendered without `active`, it is neither value.
    assert matching(conn, "active eq true") == {"bjensen"}
    assert matching(conn, 'active eq "false"') == {"percent"}
    assert matching(conn, "active ne 1") == {"percent", "strasse"}
    assert matching(conn, "active pr") == {"bjensen", "percent"}
    assert matching(conn, "active eq null") == {"strasse"}


def test_groups_and_roles_of_users(conn: Connection) -> None:
    assert matching(conn, 'groups eq "g-admins"') == {"bjensen", "strasse"}
    assert matching(conn, 'groups.display eq "ADMINS"') == {"bjensen", "strasse"}
    assert matching(conn, 'groups[type eq "direct" and display sw "adm"]') == {"bjensen", "strasse"}
    assert matching(conn, 'groups[type eq "indirect"]') == set()
    # Memberships of a deleted group do not count.
    assert matching(conn, 'groups.value eq "g-old"') == set()
    assert matching(conn, "groups pr") == {"bjensen", "strasse"}
    assert matching(conn, 'roles.value eq "ADMIN"') == {"bjensen"}
    assert matching(conn, 'roles.display eq "Admin"') == {"bjensen"}  # rendered role.title()
    assert matching(conn, 'roles[value eq "member" and primary eq true]') == {"percent", "strasse"}


def test_members_of_groups(conn: Connection) -> None:
    def select_groups(expression: str) -> set[str]:
        return matching(conn, expression, groups, group_definition())

    assert select_groups('displayName eq "admins"') == {"g-admins"}
    assert select_groups('members.value eq "bjensen"') == {"g-admins"}
    assert select_groups('members[value eq "BJENSEN"]') == set()  # members.value is caseExact
    assert select_groups('members[type eq "User"]') == {"g-admins"}
    # A deleted user is no longer rendered as a member.
    assert select_groups("members pr") == {"g-admins"}
    assert select_groups('members.value eq "gone"') == set()
    # A member's display is kept as the client sent it, with no comparison form to filter on.
    for unsupported in ('members.display eq "x"', "members[display pr]", "members.$ref pr"):
        with pytest.raises(ScimError) as raised:
            select_groups(unsupported)
        assert raised.value.scim_type is ScimType.INVALID_FILTER
    assert select_groups('meta.resourceType eq "Group"') == {"g-admins", "g-gone"}
    assert select_groups('meta.version eq "W/\\"1\\""') == {"g-admins", "g-gone"}
    assert select_groups('meta.version eq "w/\\"1\\""') == set()  # caseExact


@pytest.mark.parametrize(
    "expression",
    [
        'userName eq "unterminated',
        "userName eq",
        'userName xx "a"',
        'emails[type eq "work"',
        "",
        'foo eq "x"',
        'name.nickname eq "x"',
        'urn:example:unknown:1.0:User:department eq "x"',
        'userName.value eq "x"',
        "active gt true",
        'active co "t"',
        "emails.primary lt false",
        "emails[primary ge true]",
        'active eq "maybe"',
        "userName gt 3",
        "userName co 3",
        'meta.created co "2015"',
        'meta.created eq "yesterday"',
        "title gt null",
        'name eq "x"',
        'addresses eq "x"',
        'name[givenName eq "x"]',
        'userName[value eq "x"]',
        'emails[emails.type eq "x"]',
        'emails[foo eq "x"]',
        'password eq "secret"',
        'meta.location eq "x"',
        "groups.$ref pr",
    ],
)
def test_invalid_filters_are_400_invalid_filter(conn: Connection, expression: str) -> None:
    with pytest.raises(ScimError) as raised:
        matching(conn, expression)
    assert raised.value.status == 400
    assert raised.value.scim_type is ScimType.INVALID_FILTER


def test_length_and_depth_limits() -> None:
    definition = user_definition()
    long_filter = " or ".join(['userName eq "a"'] * 10)
    filter_clause(definition, users, long_filter)
    with pytest.raises(ScimError) as too_long:
        filter_clause(definition, users, long_filter, max_length=len(long_filter) - 1)
    assert too_long.value.scim_type is ScimType.INVALID_FILTER
    deep = "not (" * 40 + 'userName eq "a"' + ")" * 40
    with pytest.raises(ScimError) as too_deep:
        filter_clause(definition, users, deep)
    assert too_deep.value.scim_type is ScimType.INVALID_FILTER


@pytest.mark.parametrize(
    ("table", "definition", "expression", "index"),
    [
        (users, user_definition(), 'userName eq "BJensen"', "users_live_user_name"),
        (users, user_definition(), 'externalId eq "ext-ABC"', "users_external_id"),
        (users, user_definition(), 'displayName eq "Babs"', "users_display_name"),
        (users, user_definition(), 'id eq "bjensen"', "sqlite_autoindex_users_1"),
        (groups, group_definition(), 'displayName eq "Admins"', "groups_display_name"),
        (groups, group_definition(), 'externalId eq "x"', "groups_external_id"),
        (groups, group_definition(), 'id eq "g-admins"', "sqlite_autoindex_groups_1"),
    ],
)
def test_equality_lookups_use_the_indexes(
    engine: Engine,
    conn: Connection,
    table: Table,
    definition: ResourceDefinition,
    expression: str,
    index: str,
) -> None:
    statement = select(table.c.id).where(
        table.c.team_id == TEAM,
        table.c.deleted_at.is_(None),
        filter_clause(definition, table, expression),
    )
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert f"USING INDEX {index}" in plan


def sorted_ids(conn: Connection, sort_by: str) -> list[str]:
    key = sort_key(user_definition(), users, sort_by)
    live = (users.c.team_id == TEAM) & users.c.deleted_at.is_(None)
    statement = select(users.c.id).where(live).order_by(key, users.c.seq)
    return list(conn.execute(statement).scalars())


def test_sort_key(conn: Connection) -> None:
    assert sorted_ids(conn, "userName") == ["percent", "bjensen", "strasse"]
    assert sorted_ids(conn, "name.givenName") == ["percent", "bjensen", "strasse"]  # NULL first
    assert sorted_ids(conn, "meta.created") == ["bjensen", "percent", "strasse"]
    # The primary email of bjensen, the first of percent; strasse has none.
    assert sorted_ids(conn, "emails") == ["strasse", "bjensen", "percent"]
    assert sorted_ids(conn, "emails.type") == ["strasse", "percent", "bjensen"]
    assert sorted_ids(conn, f"{ENTERPRISE}:department") == ["percent", "bjensen", "strasse"]


def test_sort_groups_by_their_first_member(conn: Connection) -> None:
    # members are in membership order: strasse joined g-admins before bjensen.
    key = sort_key(group_definition(), groups, "members")
    statement = select(groups.c.id, key).where(groups.c.deleted_at.is_(None)).order_by(key)
    assert list(conn.execute(statement)) == [("g-gone", None), ("g-admins", "strasse")]


@pytest.mark.parametrize(
    "sort_by",
    ["foo", "name", "addresses", 'emails[type eq "work"]', 'userName eq "x"', "user name", ""],
)
def test_invalid_sort_by_is_400_invalid_value(sort_by: str) -> None:
    with pytest.raises(ScimError) as raised:
        sort_key(user_definition(), users, sort_by)
    assert raised.value.status == 400
    assert raised.value.scim_type is ScimType.INVALID_VALUE


# --- the column lookup: one `eq` answered without parsing ----------------------------------------


@pytest.mark.parametrize(
    ("expression", "table", "column"),
    [
        ('userName eq "bjensen"', users, "user_name_key"),
        ('USERNAME EQ "STRASSE"', users, "user_name_key"),
        ('  userName   eq   "Straße"  ', users, "user_name_key"),
        ('externalId eq "ext-abc"', users, "external_id"),
        ('externalId eq "EXT-ABC"', users, "external_id"),
        ('id eq "percent"', users, "id"),
        ('userName eq ""', users, "user_name_key"),
        ('userName eq "100%_off"', users, "user_name_key"),
        ('displayName eq "admins"', groups, "display_name_key"),
    ],
)
def test_a_column_lookup_means_what_the_filter_does(
    conn: Connection, expression: str, table: Table, column: str
) -> None:
    definition = user_definition() if table is users else group_definition()
    equality = column_equality(definition, table, expression)
    assert equality is not None and equality.column == column
    found = set(
        conn.execute(
            select(table.c.id).where(
                table.c.team_id == TEAM,
                table.c.deleted_at.is_(None),
                table.c[column] == equality.value,
            )
        ).scalars()
    )
    assert found == matching(conn, expression, table, definition)


@pytest.mark.parametrize(
    "expression",
    [
        'title eq "Tour Guide"',  # in the document, not a column
        'userName eq "a\\"b"',  # an escape: parsed by the grammar
        'userName ne "bjensen"',
        'userName eq "a" or userName eq "b"',
        'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen"',
        "active eq true",
        'active eq "true"',  # a boolean column
        'password eq "x"',
        'nosuch eq "x"',
        'userName eq "unterminated',
    ],
)
def test_other_filters_are_no_column_lookup(expression: str) -> None:
    assert column_equality(user_definition(), users, expression) is None
