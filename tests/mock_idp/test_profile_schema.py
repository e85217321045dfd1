"""Profiles are data under a schema that knows every option a strategy reads: a typo in an option
or its value is refused when the profile loads, with the file, the line and the allowed values,
instead of being sent silently as the default (the very quirk a profile certifies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_idp.profile import ProfileError, _load, all_profiles

PROFILES = Path(__file__).resolve().parents[2] / "mock_idp" / "profiles"


def test_every_shipped_profile_loads() -> None:
    assert {"rfc", "okta-oin", "okta-aiw", "entra", "entra-2020", "onelogin"} <= set(all_profiles())


@pytest.mark.parametrize(
    ("replace", "by", "said"),
    [
        (
            "ops: capitalised",
            "ops: capitalized",
            "entra.yaml:17: /options/ops: 'capitalized' is not one of ['lowercase', 'capitalised']",
        ),
        ("ops: capitalised", "opz: capitalised", "entra.yaml:"),
        ("booleans: string", "booleans: strings", "/options/booleans: 'strings' is not one of"),
    ],
)
def test_an_option_typo_is_refused_with_file_line_and_choices(
    replace: str, by: str, said: str
) -> None:
    text = (PROFILES / "entra.yaml").read_text(encoding="utf-8")
    assert replace in text
    with pytest.raises(ProfileError) as refused:
        _load("entra.yaml", text.replace(replace, by))
    assert said in str(refused.value)


def test_a_verb_option_typo_is_refused() -> None:
    text = (PROFILES / "rfc.yaml").read_text(encoding="utf-8")
    with pytest.raises(ProfileError, match="'Replace' is not one of"):
        _load("rfc.yaml", text.replace("op: replace", "op: Replace", 1))


@pytest.mark.parametrize(
    ("name", "replace", "by", "said"),
    [
        (
            "okta-oin.yaml",
            "spec_headers:",
            "spec_header:",
            "okta-oin.yaml:21: /options/spec_header: unknown option 'spec_header'; "
            "this profile's strategies read: booleans, locale, member_batch, op, ops, path, put, "
            "spec_headers, value",
        ),
        (
            "rfc.yaml",
            "    value: false\n",
            "",
            "rfc.yaml:19: /verbs/deactivate: strategy 'patch-active' needs option 'value'",
        ),
        (
            "rfc.yaml",
            "    value: false",
            "    value: no-thanks",
            "rfc.yaml:22: /verbs/deactivate/value: 'no-thanks' is not of type 'boolean'",
        ),
    ],
)
def test_options_are_those_the_verbs_strategies_declare(
    name: str, replace: str, by: str, said: str
) -> None:
    text = (PROFILES / name).read_text(encoding="utf-8")
    assert replace in text
    with pytest.raises(ProfileError) as refused:
        _load(name, text.replace(replace, by, 1))
    assert said in str(refused.value)


def test_a_documented_difference_loads_and_needs_its_source() -> None:
    entra = all_profiles()["entra"]
    kinds = {(d.kind, d.feature) for d in entra.documented_differences}
    assert ("deactivate user", "value types") in kinds
    assert all(d.ref and d.why for d in entra.documented_differences)
    text = (PROFILES / "entra.yaml").read_text(encoding="utf-8")
    unsourced = text.replace('    ref: "https://learn.microsoft.com', '    rf: "https://', 1)
    with pytest.raises(ProfileError, match="/documented_differences/0"):
        _load("entra.yaml", unsourced)
