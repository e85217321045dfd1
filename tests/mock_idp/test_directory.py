"""`mock_idp/directory.py`: the IdP's people, the same for an item whatever ran beside it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mock_idp.directory import DOMAINS, Directory, ascii_login, item_seed


def people(directory: Directory) -> list[tuple[str, str, str]]:
    return [
        (p.user_name, p.idp_id, p.title)
        for p in (directory.person(alias) for alias in ("alice", "bob", "carol"))
    ]


def test_a_seed_gives_the_same_people_whatever_draws_in_between() -> None:
    alone = people(Directory("run", 7))
    first, second = Directory("run", 7), Directory("run", 8)
    interleaved = []
    for alias in ("alice", "bob", "carol"):
        second.person(alias)
        person = first.person(alias)
        interleaved.append((person.user_name, person.idp_id, person.title))
    assert interleaved == alone
    assert people(Directory("run", 8)) != alone


def test_threads_draw_the_same_people_as_one_thread() -> None:
    seeds = [item_seed(1, f"scenario-{n}", "rfc") for n in range(16)]
    serial = [people(Directory("run", seed)) for seed in seeds]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda seed: people(Directory("run", seed)), seeds))
    assert parallel == serial


def test_user_names_carry_the_run_prefix_and_mixed_case() -> None:
    alice = Directory("scimcert-ab12", 3).person("alice")
    assert alice.user_name.startswith("scimcert-ab12-alice.")
    assert alice.user_name != alice.user_name.lower()


def test_logins_are_ascii_on_a_deliverable_looking_domain_and_names_keep_their_accents() -> None:
    people = [Directory("scimcert-ab12", seed).person("alice") for seed in range(60)]
    for person in people:
        local, domain = person.email.split("@")
        assert local.isascii() and domain in DOMAINS, person.email
        assert not domain.endswith((".test", ".example", ".invalid", ".localhost"))
    assert any(not person.display_name.isascii() for person in people)


def test_an_ascii_login_spells_out_accents_and_drops_what_no_login_holds() -> None:
    assert ascii_login("García López") == "GarciaLopez"
    assert ascii_login("Łukasz-Weiß") == "Lukasz-Weiss"
    assert ascii_login("O'Brien") == "OBrien"
