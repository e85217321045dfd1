"""The packaged scenarios' tags are the README's table of tags: what a user selects by, never an id.

A tag is for `--tags` (a subset that means something: `groups`, `okta`...); one scenario is
selected with `--scenario ID`. The table under the README's "Scenario tags" is the vocabulary,
parsed here, so the documentation and the data cannot drift: every tag a scenario carries is a
row, every row tags some scenario, and no tag spells a scenario's id. The files are read as plain
YAML, not through the loader, so the check holds whatever the loader does with tags.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from tests.support.paths import ROOT

SCENARIOS = ROOT / "scenarios"
README = ROOT / "README.md"
HEADING = "### Scenario tags"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (.*\S) \|$", re.MULTILINE)


def vocabulary(readme: str) -> list[tuple[str, str]]:
    """The rows (tag, meaning) of the table under the heading, up to the next heading."""
    assert f"\n{HEADING}\n" in readme, f"no {HEADING!r} section"
    section = readme.split(f"\n{HEADING}\n", 1)[1].split("\n#", 1)[0]
    return ROW.findall(section)


def tags_by_id(folder: Path) -> dict[str, list[str]]:
    """Each scenario file's id and tags, as its YAML writes them."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        found[str(data["id"])] = [str(tag) for tag in data.get("tags", [])]
    return found


def tag_problems(scenarios: dict[str, list[str]], known: set[str]) -> list[str]:
    """What breaks the rules, one line each; empty when the tags are all user-facing."""
    # A tag is kebab-case (the schema), so an id such as core/groups is spelt core-groups.
    ids = set(scenarios) | {scenario_id.replace("/", "-") for scenario_id in scenarios}
    problems = [
        f"{scenario_id}: tag {tag!r} names a scenario; --scenario selects one"
        for scenario_id, tags in scenarios.items()
        for tag in tags
        if tag in ids
    ]
    problems += [
        f"{scenario_id}: tag {tag!r} is not in the README's {HEADING!r} table"
        for scenario_id, tags in scenarios.items()
        for tag in tags
        if tag not in known
    ]
    used = {tag for tags in scenarios.values() for tag in tags}
    problems += [f"the README's tag {tag!r} tags no scenario" for tag in sorted(known - used)]
    return problems


def readme_tags() -> set[str]:
    return {tag for tag, _ in vocabulary(README.read_text("utf-8"))}


def test_the_readme_gives_each_tag_once_with_its_meaning() -> None:
    rows = vocabulary(README.read_text("utf-8"))
    tags = [tag for tag, _ in rows]
    assert len(tags) >= 10, rows  # the table was found and parsed, not an empty match
    assert len(tags) == len(set(tags)), tags


def test_the_packaged_scenarios_carry_only_the_readme_tags_and_use_them_all() -> None:
    scenarios = tags_by_id(SCENARIOS)
    assert len(scenarios) >= 50  # every packaged file was read
    assert tag_problems(scenarios, readme_tags()) == []


def _scenario(folder: Path, scenario_id: str, tags: str) -> None:
    path = folder / f"{scenario_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"""
        id: {scenario_id}
        title: A scenario
        tags: [{tags}]
        steps:
          - {{request: {{method: GET, path: /ServiceProviderConfig}}}}
    """
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")


def test_a_tag_spelling_its_own_id_is_refused(tmp_path: Path) -> None:
    _scenario(tmp_path, "core/widgets", "users, core-widgets")
    # Even were the id-tag written into the table, it names one scenario, not a subset.
    problems = tag_problems(tags_by_id(tmp_path), {"users", "core-widgets"})
    assert problems == ["core/widgets: tag 'core-widgets' names a scenario; --scenario selects one"]


def test_a_tag_spelling_another_scenarios_id_is_refused(tmp_path: Path) -> None:
    _scenario(tmp_path, "core/widgets", "users")
    _scenario(tmp_path, "core/gadgets", "users, core-widgets")
    problems = tag_problems(tags_by_id(tmp_path), {"users", "core-widgets"})
    assert problems == ["core/gadgets: tag 'core-widgets' names a scenario; --scenario selects one"]


def test_a_tag_outside_the_table_and_a_row_tagging_nothing_are_refused(tmp_path: Path) -> None:
    _scenario(tmp_path, "core/widgets", "users, widgets")
    problems = tag_problems(tags_by_id(tmp_path), {"users", "groups"})
    assert problems == [
        "core/widgets: tag 'widgets' is not in the README's '### Scenario tags' table",
        "the README's tag 'groups' tags no scenario",
    ]


def test_the_table_ends_at_the_next_heading() -> None:
    readme = f"# x\n{HEADING}\n\n| tag | about |\n|---|---|\n| `users` | Users |\n\n## Next\n"
    assert vocabulary(readme + "| `groups` | Groups |\n") == [("users", "Users")]
