"""`${run.item}`: eight hex digits of one item, for names a scenario writes itself (Microsoft's
`lascuser<hex>`), so the same scenario under two profiles never writes the same name."""

from __future__ import annotations

import re
from pathlib import Path

from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import Capabilities, Target
from harness.scenario.model import load_scenario
from harness.transport.auth import no_auth
from harness.transport.client import Transport
from mock_idp.profile import select_profiles


def _item(tmp_path: Path, profile: str, seed: int = 1) -> ItemRun:
    (tmp_path / "s.yaml").write_text(
        "id: x/names\ntitle: Names\nsteps:\n  - {do: pause, seconds: 0}\n", encoding="utf-8"
    )
    unreachable = Transport("http://127.0.0.1:9/scim/v2", no_auth())
    target = Target(scim=unreachable, app=None, capabilities=Capabilities(frozenset()))
    return ItemRun(
        load_scenario(tmp_path / "s.yaml"),
        select_profiles(profile)[0],
        target,
        RunContext(run_id="names01", seed=seed),
        lambda _: None,
    )


def test_each_item_has_its_own_hex_under_the_run_prefix(tmp_path: Path) -> None:
    entra, rfc = _item(tmp_path, "entra"), _item(tmp_path, "rfc")
    first, second = entra._variables()["run"], rfc._variables()["run"]
    assert re.fullmatch(r"[0-9a-f]{8}", first["item"]) and first["item"] != second["item"]
    assert first["prefix"] == second["prefix"] == "scimcert-names01"
    # The directory's people carry the same marker, so an item's names all share it.
    assert entra.directory.run_prefix == f"scimcert-names01-{first['item']}"


def test_the_hex_replays_from_the_seed(tmp_path: Path) -> None:
    again = _item(tmp_path, "entra")._variables()["run"]["item"]
    assert again == _item(tmp_path, "entra")._variables()["run"]["item"]
    assert again != _item(tmp_path, "entra", seed=2)._variables()["run"]["item"]
