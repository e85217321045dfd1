"""The run status beside the verdict, and the exit code both decide (verdict/status.py)."""

from __future__ import annotations

import pytest

from verdict.outcomes import Outcome, combine, rank
from verdict.status import Assessment, ExitCode, Finished, Scope, Status, assess

PLAN = {"a[rfc]": "rfc", "b[rfc]": "rfc", "a[okta-oin]": "okta-oin"}


def _done(*outcomes: tuple[str, str, str], waived: tuple[str, ...] = ()) -> list[Finished]:
    return [Finished(item, profile, Outcome(o), item in waived) for item, profile, o in outcomes]


ALL_PASS = _done(
    ("a[rfc]", "rfc", "PASS"), ("b[rfc]", "rfc", "PASS"), ("a[okta-oin]", "okta-oin", "PASS")
)


def test_a_finished_full_run_is_a_certification() -> None:
    judged = assess(ALL_PASS, Scope(PLAN))
    assert (judged.run.verdict, judged.run.status, judged.exit_code) == (
        Outcome.PASS,
        Status.COMPLETE,
        ExitCode.OK,
    )
    assert judged.run.word == "PASS" and judged.run.headline() == "PASS"
    assert [p.status for p in judged.profiles] == [Status.COMPLETE, Status.COMPLETE]


def test_an_interrupted_run_is_incomplete_and_never_pass() -> None:
    judged = assess(ALL_PASS[:1], Scope(PLAN), interruption="stopped by SIGTERM")
    assert judged.run.status is Status.INCOMPLETE and judged.exit_code is ExitCode.NO_VERDICT
    assert judged.run.word == "INCOMPLETE"
    assert judged.run.headline().startswith("INCOMPLETE (PASS so far): stopped by SIGTERM; 2 of 3")
    assert judged.not_run == ("b[rfc]", "a[okta-oin]")
    assert {p.profile: p.status for p in judged.profiles} == {
        "rfc": Status.INCOMPLETE,
        "okta-oin": Status.INCOMPLETE,
    }


def test_a_profile_that_finished_before_the_interruption_is_complete() -> None:
    judged = assess(ALL_PASS[:2], Scope(PLAN), interruption="interrupted (Ctrl-C, SIGINT)")
    profiles = {p.profile: p.status for p in judged.profiles}
    assert profiles == {"rfc": Status.COMPLETE, "okta-oin": Status.INCOMPLETE}
    assert judged.run.status is Status.INCOMPLETE


def test_an_interruption_after_the_last_item_still_makes_the_run_incomplete() -> None:
    judged = assess(ALL_PASS, Scope(PLAN), interruption="the run's time budget of 5 s ran out")
    assert judged.run.status is Status.INCOMPLETE and judged.exit_code is ExitCode.NO_VERDICT


def test_a_subset_is_partial_and_names_its_filter() -> None:
    judged = assess(ALL_PASS, Scope(PLAN, filters=("--tags discovery",)))
    assert judged.run.status is Status.PARTIAL and judged.run.word == "PARTIAL"
    assert "--tags discovery" in judged.run.reasons[0] and judged.exit_code is ExitCode.OK


def test_a_waived_must_failure_is_not_a_clean_pass() -> None:
    done = _done(
        ("a[rfc]", "rfc", "FAIL"),
        ("b[rfc]", "rfc", "PASS"),
        ("a[okta-oin]", "okta-oin", "PASS"),
        waived=("a[rfc]",),
    )
    judged = assess(done, Scope(PLAN))
    assert (judged.run.verdict, judged.run.status) == (Outcome.PASS, Status.WAIVED)
    assert judged.run.word == "WAIVED" and "a[rfc]" in judged.run.reasons[0]
    assert judged.waived == ("a[rfc]",)
    assert {p.profile: p.status for p in judged.profiles}["okta-oin"] is Status.COMPLETE


def test_a_failure_stands_whatever_the_status() -> None:
    done = _done(("a[rfc]", "rfc", "FAIL"))
    judged = assess(done, Scope(PLAN, filters=("--scenario a",)), interruption="stopped")
    assert judged.run.word == "FAIL" and judged.run.headline().startswith("FAIL, INCOMPLETE: ")
    # The run did not finish: no verdict, whatever failed on the way.
    assert judged.exit_code is ExitCode.NO_VERDICT


@pytest.mark.parametrize(
    ("outcomes", "fail_on_warn", "code"),
    [
        (["PASS", "WARN"], False, ExitCode.OK),
        (["PASS", "WARN"], True, ExitCode.FAIL),
        (["PASS", "FAIL"], False, ExitCode.FAIL),
        (["FAIL", "ERROR"], False, ExitCode.ERROR),
        (["SKIP", "SKIP"], False, ExitCode.NO_VERDICT),
        (["PASS", "SKIP"], False, ExitCode.OK),
    ],
)
def test_exit_codes_follow_one_precedence(
    outcomes: list[str], fail_on_warn: bool, code: ExitCode
) -> None:
    done = [Finished(f"s{n}[rfc]", "rfc", Outcome(o)) for n, o in enumerate(outcomes)]
    plan = {one.item: "rfc" for one in done}
    assert assess(done, Scope(plan), fail_on_warn=fail_on_warn).exit_code is code


def test_outcomes_have_one_order_and_error_leads() -> None:
    assert combine(["FAIL", "ERROR"]) is Outcome.ERROR
    assert combine(["PASS", "WARN", "SKIP"]) is Outcome.WARN
    assert combine(["PASS", "SKIP"]) is Outcome.PASS
    assert combine([]) is Outcome.SKIP
    assert sorted(["PASS", "FAIL", "SKIP", "ERROR", "WARN"], key=rank) == [
        "ERROR",
        "FAIL",
        "WARN",
        "SKIP",
        "PASS",
    ]


def test_an_assessment_survives_its_record() -> None:
    judged = assess(ALL_PASS[:1], Scope(PLAN, filters=("--tags x",)), interruption="stopped")
    assert Assessment.from_dict(judged.to_dict()) == judged


def test_each_question_gets_its_verdict_and_the_gate_reads_one() -> None:
    from verdict.questions import Graded, question_of

    graded = [
        Graded("RFC 7644 3.3", "MUST", True),
        Graded("docs/idp/entra.md#create; RFC 7644 3.3", "MUST", False, family="entra"),
        Graded("docs/robustness.md#refusals", "SHOULD", False),
        Graded("docs/idp/okta.md#import", "MUST", False, waived=True, family="okta"),
    ]
    assert [question_of(one.ref) for one in graded] == ["rfc", "entra", "robustness", "okta"]
    done = [Finished("a[rfc]", "rfc", Outcome.FAIL)]
    plan = Scope({"a[rfc]": "rfc"})
    judged = assess(done, plan, graded=graded)
    assert {q: v.value for q, v in judged.questions.items()} == {
        "rfc": "PASS",
        "okta": "PASS",
        "entra": "FAIL",
        "robustness": "WARN",
    }
    assert judged.exit_code is ExitCode.FAIL
    # RFC-correct, yet it breaks Entra: gated on the RFC question, the run passes.
    assert assess(done, plan, graded=graded, gate="rfc").exit_code is ExitCode.OK
    assert assess(done, plan, graded=graded, gate="entra").exit_code is ExitCode.FAIL


def test_an_idp_question_is_answered_only_on_that_idps_traffic() -> None:
    """A check quoting Okta's document, graded on Entra's requests, is no Okta verdict: gated on
    Okta, a run of Entra's profiles alone has no verdict rather than a PASS."""
    from verdict.questions import Graded

    graded = [
        Graded("RFC 7644 3.3", "MUST", True, family="entra"),
        Graded("docs/idp/okta.md#import", "MUST", True, family="entra"),
        Graded("docs/idp/entra.md#create", "MUST", True, family="entra"),
    ]
    done = [Finished("a[entra]", "entra", Outcome.PASS)]
    plan = Scope({"a[entra]": "entra"})
    judged = assess(done, plan, graded=graded, gate="okta")
    assert set(judged.questions) == {"rfc", "entra"}
    assert judged.exit_code is ExitCode.NO_VERDICT
    assert assess(done, plan, graded=graded, gate="entra").exit_code is ExitCode.OK
    # A question no check answered gives no verdict, not a pass.
    assert assess(done, plan, graded=graded, gate="ping").exit_code is ExitCode.NO_VERDICT
