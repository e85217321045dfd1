"""The SQLite schema, in SQLAlchemy Core.

Users and groups keep their SCIM attributes as two JSON documents: `doc`, exactly as the server
returns them, and `fold`, the same document with every case-insensitive string folded (see
`fold.py`), so that filters compare in SQL without reading rows into Python. Attributes that the
domain owns (`active`, the role) and the ones IdPs look up by equality (`userName`, `externalId`,
`displayName`) are columns with indexes.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

teams = Table(
    "teams",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("slug", String, nullable=False, unique=True),
    Column("scim_token_hash", String, nullable=False),
    Column("app_token_hash", String, nullable=False),
    # Kept for the fault layer (`faults/store.py`), which alone reads and writes it: the
    # deliberate faults switched on for the team, a JSON list of names.
    Column("faults", Text, nullable=False, server_default="[]"),
    Column("created", String, nullable=False),
)

users = Table(
    "users",
    metadata,
    # Insertion order: list pages are ordered by it, so they never shift (RFC 7644 3.4.2.4).
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("user_name", String, nullable=False),
    Column("user_name_key", String, nullable=False),
    Column("external_id", String),
    Column("display_name_key", String),
    # NULL when a client removed `active` (RFC 7644 3.5.2.2): unassigned, read as active.
    Column("active", Boolean),
    Column("role", String, nullable=False),
    Column("doc", Text, nullable=False),
    Column("fold", Text, nullable=False),
    Column("created", String, nullable=False),
    Column("last_modified", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", String),
)
# userName is unique per team among live users only: a name may be created again after DELETE
# (RFC 7644 3.6), while the deleted row is retained until purge.
Index(
    "users_live_user_name",
    users.c.team_id,
    users.c.user_name_key,
    unique=True,
    sqlite_where=text("deleted_at IS NULL"),
)
Index("users_external_id", users.c.team_id, users.c.external_id)
Index("users_display_name", users.c.team_id, users.c.display_name_key)
Index("users_team_seq", users.c.team_id, users.c.seq)
# Pages and totals read live rows only: without this, count(*) and OFFSET visit every row's
# deleted_at (benchmarks/RESULTS.md: count at 100,000 users 389 ms -> 17 ms).
Index(
    "users_live_team_seq",
    users.c.team_id,
    users.c.seq,
    sqlite_where=text("deleted_at IS NULL"),
)

groups = Table(
    "groups",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("display_name_key", String, nullable=False),
    Column("external_id", String),
    Column("doc", Text, nullable=False),
    Column("fold", Text, nullable=False),
    Column("created", String, nullable=False),
    Column("last_modified", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", String),
)
# displayName is unique per team among live groups: Entra matches groups by it and its validator
# expects 409 on a duplicate (docs/idp/entra.md#groups), though RFC 7643 4.2 leaves it to us.
Index(
    "groups_display_name",
    groups.c.team_id,
    groups.c.display_name_key,
    unique=True,
    sqlite_where=text("deleted_at IS NULL"),
)
Index("groups_external_id", groups.c.team_id, groups.c.external_id)
Index("groups_team_seq", groups.c.team_id, groups.c.seq)
Index(
    "groups_live_team_seq",
    groups.c.team_id,
    groups.c.seq,
    sqlite_where=text("deleted_at IS NULL"),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", String, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # Insertion order of the membership, so `members` renders in a stable order.
    Column("seq", Integer, nullable=False),
    Column("display", String),
    UniqueConstraint("group_id", "member_id"),
)
Index("group_members_member", group_members.c.member_id)

spaces = Table(
    "spaces",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("name", String, nullable=False),
    UniqueConstraint("team_id", "name"),
)

documents = Table(
    "documents",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("space_id", String, ForeignKey("spaces.id")),
    Column("title", String, nullable=False),
    UniqueConstraint("team_id", "title"),
)

# A grant gives a member, or every member of a group, access to a space or a document.
grants = Table(
    "grants",
    metadata,
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("target_kind", String, nullable=False),  # "space" | "document"
    Column("target_id", String, nullable=False),
    Column("grantee_kind", String, nullable=False),  # "member" | "group"
    Column("grantee_id", String, nullable=False),
    UniqueConstraint("target_kind", "target_id", "grantee_kind", "grantee_id"),
)
Index("grants_grantee", grants.c.grantee_kind, grants.c.grantee_id)

# The OAuth 2.0 client of a team (RFC 6749 2.2, 2.3.1): its id, not a secret, and its secret's
# hash. A table of its own so that a database made before it gains it (`create_all`).
oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("team_id", String, ForeignKey("teams.id"), primary_key=True),
    Column("client_id", String, nullable=False, unique=True),
    Column("secret_hash", String, nullable=False),
)

# The public JWK Set (RFC 7517 5) a team's client signs its assertions with (RFC 7523 2.2):
# public keys, no secret, stored as given. A table of its own, like `oauth_clients`.
oauth_client_keys = Table(
    "oauth_client_keys",
    metadata,
    Column("team_id", String, ForeignKey("teams.id"), primary_key=True),
    Column("jwks", Text, nullable=False),
)

# The `jti` of client assertions already used (RFC 7523 3 item 7), kept until they expire, so a
# replayed assertion is refused.
assertion_ids = Table(
    "assertion_ids",
    metadata,
    Column("team_id", String, ForeignKey("teams.id"), primary_key=True),
    Column("jti", String, primary_key=True),
    Column("expires_at", Float, nullable=False),  # seconds since the epoch
)

# Access tokens the token endpoint issued (RFC 6749 4.4.3), by hash, until they expire.
access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_hash", String, primary_key=True),
    Column("team_id", String, ForeignKey("teams.id"), nullable=False),
    Column("expires_at", Float, nullable=False),  # seconds since the epoch
)
