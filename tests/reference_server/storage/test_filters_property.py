"""Property test: the SQL of `filter_clause` selects exactly what scim2-models' evaluator matches.

Random small sets of users go into SQLite the way storage keeps them (columns, and the `fold`
document from `fold_document`); random filters over the same vocabulary run both as SQL and
through `ScimFilter[User].match`, the oracle. A filter the oracle refuses must be refused too.

Left out of the generated vocabulary, because the two sides deliberately differ there (the
example tests in test_filters.py cover our side):
- unknown attributes: scim2-models evaluates them to false unless strict, we refuse them;
- co/sw/ew with a non-string operand or on a dateTime, gt/ge/lt/le against null: scim2-models
  accepts them and never matches, we refuse them as operands of the wrong type;
- dateTime operands without an offset: we read them as UTC, scim2-models compares a naive
  datetime with an aware one and never matches;
- emails.value eq/ne/gt/... with an operand that is no email address: scim2-models types the
  attribute EmailStr and refuses it, our schema types it string.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from scim2_models import EnterpriseUser, SCIMException, ScimFilter, ScimPolicy, User
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine, create_engine

from reference_server.scim.attributes import user_definition
from reference_server.scim.errors import ScimError
from reference_server.scim.folding import exact, fold, fold_document
from reference_server.storage.filters import filter_clause
from reference_server.storage.tables import metadata, teams, users

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OracleUser = User[EnterpriseUser]
OracleFilter = ScimFilter[OracleUser]


def oracle_key(binding: Any, value: str) -> str:
    return exact(value) if binding.case_exact else fold(value)


# scim2-models maps case with str.lower by default, we casefold ("ß" compares as "ss"). The
# oracle runs under our comparison key rather than keeping such letters out of the alphabet.
POLICY = ScimPolicy(comparison_key=oracle_key)

# Mixed case, a precomposed non-ASCII letter in both cases, "ß" next to "s"/"S" (casefold makes
# it "ss"), and the LIKE wildcards. NFC only: externalId is stored raw and compared as NFC, so
# a decomposed value would differ between the column and the oracle's normalized comparison.
ALPHABET = "aAsSÉéß%_"
texts = st.text(ALPHABET, max_size=2)
# Operands that tell folding and literal matching apart more often than random text does.
operands = st.one_of(texts, st.sampled_from(["%", "_", "s", "SS", "ß", "É", "é", ""]))
emails = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.text(ALPHABET, min_size=1, max_size=2),
    st.sampled_from(["x.io", "Y.io"]),
)
DATES = [
    datetime(2015, 10, 10, 21, 38, 21, 861797, tzinfo=UTC),
    datetime(2020, 1, 1, tzinfo=UTC),
    datetime(2020, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
]


def render_date(when: datetime, form: int) -> str:
    if form == 0:
        return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if form == 1:
        return when.astimezone(timezone(timedelta(hours=-7))).isoformat()
    # A seventh fractional digit, which the parsers drop.
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "7Z"


email_entries = st.fixed_dictionaries(
    {"value": emails},
    optional={"type": texts, "primary": st.booleans(), "display": texts},
)
user_documents = st.fixed_dictionaries(
    {"userName": st.text(ALPHABET, min_size=1, max_size=2)},
    optional={
        # Without it the column is NULL: unassigned, and rendered without `active`.
        "active": st.booleans(),
        "name": st.fixed_dictionaries({}, optional={"givenName": texts, "familyName": texts}),
        "title": texts,
        "displayName": texts,
        "externalId": texts,
        "emails": st.lists(email_entries, min_size=1, max_size=3),
        ENTERPRISE: st.fixed_dictionaries({"department": texts}),
    },
)
# A user: its document, and its meta.created and meta.lastModified.
Stored = tuple[dict[str, Any], datetime, datetime]


def user_name_key(user: Stored) -> str:
    return fold(user[0]["userName"])


user_sets = st.lists(
    st.tuples(user_documents, st.sampled_from(DATES), st.sampled_from(DATES)),
    min_size=1,
    max_size=4,
    # userName is unique per team among live users (the users_live_user_name index).
    unique_by=user_name_key,
)

# Attribute spellings: names are case-insensitive, and may be qualified by their schema URN.
STRING_ATTRS = [
    "userName",
    "USERNAME",
    f"{CORE}:userName",
    "name.givenName",
    "NAME.familyname",
    "title",
    "displayName",
    "externalId",
    f"{ENTERPRISE}:department",
    f"{ENTERPRISE.upper()}:Department",
    "emails.type",
    "emails.display",
]
EMAIL_VALUE_ATTRS = ["emails", "emails.value", "Emails.Value"]
BOOLEAN_ATTRS = ["active", "emails.primary"]
DATE_ATTRS = ["meta.created", "meta.lastModified"]
PRESENT_ATTRS = [*STRING_ATTRS, *EMAIL_VALUE_ATTRS, *BOOLEAN_ATTRS, "name", "emails", "meta"]
ORDERING = ["gt", "ge", "lt", "le"]
SUBSTRING = ["co", "sw", "ew"]


def quote(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def comparison(
    attrs: list[str], ops: list[str], values: st.SearchStrategy[Any]
) -> st.SearchStrategy[str]:
    return st.builds(
        lambda attr, op, upper, value: f"{attr} {op.upper() if upper else op} {quote(value)}",
        st.sampled_from(attrs),
        st.sampled_from(ops),
        st.booleans(),
        values,
    )


string_comparisons = st.one_of(
    comparison(STRING_ATTRS, ["eq", "ne", *ORDERING, *SUBSTRING], operands),
    # scim2-models validates an emails.value operand as an email address except for the
    # substring operators (it types the attribute EmailStr, our schema types it string), so
    # the whole-value operators only get addresses here.
    comparison(EMAIL_VALUE_ATTRS, ["eq", "ne", *ORDERING], emails),
    comparison(EMAIL_VALUE_ATTRS, SUBSTRING, operands),
    comparison(["meta.resourceType"], ["eq", "ne", "sw"], st.sampled_from(["User", "user", "Us"])),
)
other_comparisons = st.one_of(
    # Operands scim2-models coerces to booleans (pydantic lax mode), which we mirror.
    comparison(BOOLEAN_ATTRS, ["eq", "ne"], st.sampled_from([True, False, "true", "False", 1, 0])),
    comparison(
        DATE_ATTRS,
        ["eq", "ne", *ORDERING],
        st.builds(render_date, st.sampled_from(DATES), st.integers(0, 2)),
    ),
    comparison([*STRING_ATTRS, *BOOLEAN_ATTRS, "emails.value"], ["eq", "ne"], st.none()),
)
presences = st.sampled_from(PRESENT_ATTRS).map(lambda attr: f"{attr} pr")
# Filters both sides refuse: ordering on booleans (RFC 7644 3.4.2.2), values of the wrong type.
# (Substring operators with a non-string operand, or against null, are refused by us and never
# match in scim2-models; they are covered by the example tests instead.)
refused = st.sampled_from(
    [
        "active gt true",
        "emails.primary le false",
        'active eq "maybe"',
        "userName gt 3",
        "title eq true",
    ]
)

element_leaves = st.one_of(
    comparison(["type", "display", "TYPE"], ["eq", "ne", *ORDERING, *SUBSTRING], operands),
    comparison(["value"], SUBSTRING, operands),
    comparison(["value"], ["eq", "ne", "gt"], emails),
    comparison(["primary"], ["eq", "ne"], st.booleans()),
    st.sampled_from(["type pr", "primary pr", "display pr", "value pr"]),
)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda a, op, b: f"({a}) {op} ({b})",
            children,
            st.sampled_from(["and", "or", "OR"]),
            children,
        ),
        st.builds(
            lambda a, op, b: f"{a} {op} {b}", children, st.sampled_from(["and", "or"]), children
        ),
        children.map(lambda a: f"not ({a})"),
    )


element_filters = st.recursive(element_leaves, combine, max_leaves=4)
value_paths = st.one_of(
    element_filters.map(lambda inner: f"emails[{inner}]"),
    # The Entra form: the comparison after the brackets joins the element filter.
    st.builds(
        lambda inner, tail: f"emails[{inner}].{tail}",
        element_filters,
        element_leaves.filter(lambda leaf: not leaf.startswith("not")),
    ),
)
filters = st.recursive(
    # Refused leaves are rarer: one refused leaf makes the whole filter refused.
    st.one_of(
        string_comparisons,
        other_comparisons,
        presences,
        value_paths,
        string_comparisons,
        value_paths,
        refused,
    ),
    combine,
    max_leaves=5,
)


@cache
def engine() -> Engine:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    return engine


# Kept in columns, not in the fold document (storage/tables.py); the documents generated here
# have none of the other column-backed or relational attributes.
NOT_IN_FOLD = {"externalId", "active"}


def stored_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row(team: str, user: Stored) -> dict[str, Any]:
    document, created, modified = user
    stored = {key: value for key, value in document.items() if key not in NOT_IN_FOLD}
    display = document.get("displayName")
    return {
        "id": str(uuid.uuid4()),
        "team_id": team,
        "user_name": document["userName"],
        "user_name_key": fold(document["userName"]),
        "external_id": document.get("externalId"),
        "display_name_key": fold(display) if display is not None else None,
        "active": document.get("active"),
        "role": "member",
        "doc": json.dumps(document, ensure_ascii=False),
        "fold": json.dumps(fold_document(user_definition(), stored), ensure_ascii=False),
        "created": stored_date(created),
        "last_modified": stored_date(modified),
        "version": 1,
    }


def store(team: str, population: list[Stored]) -> list[str]:
    rows = [row(team, user) for user in population]
    with engine().begin() as conn:
        team_row = {"id": team, "slug": team, "scim_token_hash": "h", "app_token_hash": "h"}
        conn.execute(insert(teams), [{**team_row, "created": stored_date(DATES[0])}])
        conn.execute(insert(users), rows)
    return [row["id"] for row in rows]


def oracle_user(user_id: str, user: Stored) -> Any:
    document, created, modified = user
    schemas = [CORE, ENTERPRISE] if ENTERPRISE in document else [CORE]
    meta = {
        "resourceType": "User",
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
    }
    return OracleUser.model_validate({**document, "schemas": schemas, "id": user_id, "meta": meta})


def oracle(expression: str, population: dict[str, Any]) -> set[str] | None:
    """The ids scim2-models matches, or None when it refuses the filter."""
    try:
        with POLICY:
            scim_filter = OracleFilter(expression)
            return {user_id for user_id, user in population.items() if scim_filter.match(user)}
    except SCIMException:
        return None


def selected(team: str, expression: str) -> set[str] | None:
    """The ids the SQL selects, or None when filter_clause refuses the filter."""
    try:
        clause = filter_clause(user_definition(), users, expression)
    except ScimError:
        return None
    statement = select(users.c.id).where(
        users.c.team_id == team, users.c.deleted_at.is_(None), clause
    )
    with engine().connect() as conn:
        return set(conn.execute(statement).scalars())


@settings(max_examples=200, deadline=None)
@given(population=user_sets, expression=filters)
def test_sql_selects_what_scim2_models_matches(population: list[Stored], expression: str) -> None:
    team = str(uuid.uuid4())
    ids = store(team, population)
    oracle_users = {
        user_id: oracle_user(user_id, user) for user_id, user in zip(ids, population, strict=True)
    }
    assert selected(team, expression) == oracle(expression, oracle_users)
