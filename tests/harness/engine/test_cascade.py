"""The validator's duplicate create is judged only once the original exists.

Found by `make crosscheck`: on SCIMMY and django-scim2-server the validator's first create is
refused (a string `roles[].primary`, an enterprise extension it lacks), so the "duplicate" was
the first user of that name, rightly 201, and username-unique was blamed for the refusal.
"""

from __future__ import annotations

from harness.engine.cascade import Cascade, StepBlockedError
from harness.scenario.model import load_scenario
from harness.scenario.step_deps import needed_names
from tests.support.paths import ROOT


def test_the_duplicate_reads_what_the_create_saved_and_is_blocked_without_it() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "entra" / "validator" / "users-create.yaml")
    create, duplicate = scenario.steps[0], scenario.steps[2]
    assert "uid" in create.save and "uid" in needed_names(duplicate)
    cascade = Cascade(scenario.steps)
    cascade.fail(create.index, "expected status 201, got 400")
    cascade.owe("uid", create.index)
    try:
        cascade.check(duplicate)
    except StepBlockedError as blocked:
        assert blocked.culprit == create.index
    else:
        raise AssertionError("the duplicate ran although the create saved nothing")
