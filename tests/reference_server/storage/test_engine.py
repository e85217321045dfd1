"""`storage/engine.py`: the SQLite engine's transactions, and the raw read snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from reference_server.storage.engine import open_engine, snapshot, writing
from reference_server.storage.tables import teams


def _team(slug: str) -> dict[str, str]:
    return {
        "id": slug,
        "slug": slug,
        "scim_token_hash": "h",
        "app_token_hash": "h",
        "created": "2020-01-01T00:00:00Z",
    }


def test_a_snapshot_reads_one_state_while_a_writer_commits(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with writing(engine) as conn:
        conn.execute(insert(teams).values(**_team("first")))
    with snapshot(engine) as raw:
        before = raw.execute("SELECT count(*) FROM teams").fetchone()
        with writing(engine) as conn:  # WAL: a writer does not wait for the reader
            conn.execute(insert(teams).values(**_team("second")))
        assert raw.execute("SELECT count(*) FROM teams").fetchone() == before
        assert raw.in_transaction
    with snapshot(engine) as raw:
        assert raw.execute("SELECT count(*) FROM teams").fetchone() == (2,)
    engine.dispose()


def test_a_snapshot_ends_its_transaction_when_the_read_fails(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with pytest.raises(RuntimeError), snapshot(engine) as raw:
        kept = raw
        raise RuntimeError("the read failed")
    assert not kept.in_transaction
    with writing(engine) as conn:  # the connection went back to the pool usable
        conn.execute(insert(teams).values(**_team("after")))
        assert conn.execute(select(teams.c.slug)).scalars().all() == ["after"]
    engine.dispose()
