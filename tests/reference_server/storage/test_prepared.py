"""`storage/prepared.py`: statements compiled once and run on the SQLite connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    func,
    insert,
    select,
)

from reference_server.storage.prepared import Prepared

metadata = MetaData()
things = Table("things", metadata, Column("id", String), Column("doc", String))


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        rows = [{"id": f"t{n}", "doc": f'{{"name": "thing {n}"}}'} for n in range(5)]
        conn.execute(insert(things), rows)
    yield engine
    engine.dispose()


def test_parameters_bind_by_name_and_constants_stay_in(engine: Engine) -> None:
    statement = Prepared.of(
        select(things.c.id, func.json_extract(things.c.doc, "$.name"))
        .where(things.c.id >= bindparam("low"), things.c.id <= bindparam("high"))
        .order_by(things.c.id)
    )
    with engine.connect() as conn:
        assert statement.rows(conn, high="t2", low="t1") == [("t1", "thing 1"), ("t2", "thing 2")]


def test_an_expanding_parameter_takes_a_collection(engine: Engine) -> None:
    statement = Prepared.of(
        select(things.c.id).where(things.c.id.in_(bindparam("ids", expanding=True)))
    )
    with engine.connect() as conn:
        found = statement.rows(conn, ids=["t0", "t3", "nope"])
        assert sorted(found) == [("t0",), ("t3",)]
        with pytest.raises(ValueError, match="at least one value"):
            statement.rows(conn, ids=[])


def test_mappings_name_the_columns(engine: Engine) -> None:
    statement = Prepared.of(select(things).where(things.c.id == bindparam("id")))
    with engine.connect() as conn:
        assert statement.mappings(conn, id="t4") == [{"id": "t4", "doc": '{"name": "thing 4"}'}]
        assert statement.mappings(conn, id="none") == []


def test_a_missing_parameter_is_an_error_not_a_null(engine: Engine) -> None:
    statement = Prepared.of(select(things).where(things.c.id == bindparam("id")))
    with engine.connect() as conn, pytest.raises(KeyError):
        statement.rows(conn)
