"""Running one scenario with one IdP profile: steps -> exchanges -> checks -> events.

The verdict of an item is computed here, once, from the checks it evaluated; everything that
happened is emitted as events for the reporters.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mock_idp.directory import Directory, item_seed
from mock_idp.profile import Profile, ProfileError
from mock_idp.strategies import run_verb
from verdict.events import CheckEvaluated, Event, ExchangeRecorded, ItemFinished, ItemStarted
from verdict.grading import item_outcome
from verdict.outcomes import Outcome

from . import cleanup
from .app_steps import AppStepError, create_member_over_scim, run_app_step
from .checks.context import CheckContext
from .checks.registry import Check, Finding, registry
from .exchange import Exchange, curl_command
from .expectations import grade
from .interpolate import InterpolationError, interpolate
from .pointer import MISSING, resolve
from .recording import RecordingTransport
from .scenario import Expectation, Scenario, Step
from .target import Target

Emit = Callable[[Event], None]
PAUSE_VERB = "pause"
MAX_PAUSE_SECONDS = 60.0
harness_log = logging.getLogger("scimcert.harness")


class ItemAbortError(Exception):
    """The item cannot go on; `outcome` says whether that is the target's fault or ours."""

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RunContext:
    run_id: str
    seed: int
    # Okta's SPEC suite pauses between requests (okta.md 5); replayed only when asked for.
    pauses: bool = False

    @property
    def prefix(self) -> str:
        return f"scimcert-{self.run_id}"


@dataclass
class ItemRun:
    scenario: Scenario
    profile: Profile
    target: Target
    run: RunContext
    emit: Emit
    item: str = ""
    saved: dict[str, Any] = field(default_factory=dict)
    results: list[CheckEvaluated] = field(default_factory=list)
    not_verified: list[str] = field(default_factory=list)  # expectations the target cannot show
    sequence: int = 0
    # Which recorded exchange each judged one is, so a finding points at the graded request.
    _sequence_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.item = f"{self.scenario.id}[{self.profile.id}]"
        # Events leave the item only through the run's redactor: a finding may quote a value the
        # scenario wrote or an error message, not just the (already scrubbed) exchange.
        self.redactor = self.target.scim.redactor
        self.emit = self.redactor.events(self.emit)
        seed = item_seed(self.run.seed, self.scenario.id, self.profile.id)
        # Items run in parallel against one server: each names what it creates apart, under the
        # run's prefix, so lists scoped to `${run.prefix}` see only this item's resources.
        self.directory = Directory(run_prefix=f"{self.run.prefix}-{seed % 16**8:08x}", seed=seed)
        self.scim = RecordingTransport(self.target.scim, self._record)
        # App-probe answers are not SCIM: they are graded by expectations only.
        self.app = (
            RecordingTransport(self.target.app, self._record, scim=False)
            if self.target.app
            else None
        )
        self._step: Step | None = None

    def execute(self) -> ItemFinished:
        started = time.perf_counter()
        self.emit(self._started())
        ran, reason = self._run_steps()
        leaked = cleanup.remove_created(self.scim)
        if leaked:
            self._step = None
            self._evaluate(registry.get("leaked-resource"), leaked, exchange=None, line=0)
        graded, failed, warned = item_outcome(self.results)
        # A skip or an error says more than any check; an aborted item keeps its own reason.
        outcome = graded if ran is Outcome.PASS else ran
        finished = ItemFinished(
            item=self.item,
            scenario=self.scenario.id,
            profile=self.profile.id,
            outcome=outcome,
            reason=reason,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            failed_checks=tuple(failed),
            warned_checks=tuple(warned),
            not_verified=tuple(self.not_verified),
        )
        self.emit(finished)
        return finished

    def _started(self) -> ItemStarted:
        return ItemStarted(
            item=self.item,
            scenario=self.scenario.id,
            profile=self.profile.id,
            title=self.scenario.title,
            source=self.scenario.shown_source,
            tags=self.scenario.tags,
        )

    def _run_steps(self) -> tuple[Outcome, str]:
        missing = self.target.capabilities.missing(self.scenario.requires)
        if missing:
            reasons = "; ".join(self.target.capabilities.why_not(name) for name in missing)
            return Outcome.SKIP, f"not verified: {reasons}"
        try:
            for step in self.scenario.steps:
                self._run_step(step)
        except ItemAbortError as aborted:
            return aborted.outcome, aborted.reason
        except Exception as error:
            where = (
                f"step {self._step.index + 1} (line {self._step.line})" if self._step else "setup"
            )
            harness_log.error(
                "harness error in %s at %s\n%s",
                self.item,
                where,
                self.redactor.text(traceback.format_exc()),
            )
            return Outcome.ERROR, f"harness error at {where}: {type(error).__name__}: {error}"
        return Outcome.PASS, ""

    def _variables(self) -> dict[str, Any]:
        return {
            **self.directory.variables(),
            "run": {"id": self.run.run_id, "prefix": self.run.prefix},
            **self.saved,
        }

    def _run_step(self, step: Step) -> None:
        self._step = step
        if step.verb == PAUSE_VERB:
            self._pause(step)
            return
        judged = self._send(step)
        if judged.error is not None and not judged.reachable:
            raise ItemAbortError(Outcome.ERROR, f"target unreachable: {judged.error.detail}")
        if step.setup:
            self._check_setup(step, judged)
        else:
            for expectation in self._interpolated(step):
                if self._not_verifiable(step, expectation):
                    continue
                context = self._context(judged, expectation.schema)
                for graded in grade(expectation, context, self.directory.facts):
                    self._evaluate(graded.check, graded.findings, judged, step.line)
        self._save(step, judged)

    def _not_verifiable(self, step: Step, expectation: Expectation) -> bool:
        """An expectation the target cannot show (no app probe): noted, not graded."""
        missing = self.target.capabilities.missing(expectation.requires)
        if missing:
            reasons = "; ".join(self.target.capabilities.why_not(name) for name in missing)
            self.not_verified.append(f"{expectation.check} (line {step.line}): {reasons}")
        return bool(missing)

    def _pause(self, step: Step) -> None:
        """`do: pause, seconds: N`: waits only with --okta-pauses; sends nothing either way."""
        seconds = step.args.get("seconds")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise ItemAbortError(Outcome.ERROR, f"step {step.index + 1}: pause needs `seconds`")
        if self.run.pauses:
            time.sleep(min(float(seconds), MAX_PAUSE_SECONDS))

    def _interpolated(self, step: Step) -> list[Expectation]:
        """Expected values may name saved variables and the directory (`${uid}`)."""
        variables = self._variables()
        try:
            return [
                replace(
                    expectation,
                    json=tuple(interpolate(list(pair), variables) for pair in expectation.json),
                    headers=tuple(
                        interpolate(list(pair), variables) for pair in expectation.headers
                    ),
                )
                for expectation in step.expects
            ]
        except InterpolationError as error:
            raise ItemAbortError(Outcome.ERROR, f"step {step.index + 1}: {error}") from error

    def _send(self, step: Step) -> Exchange:
        try:
            args = interpolate(dict(step.args), self._variables())
            if step.request is not None:
                return self._raw(step)
            assert step.verb is not None
            if step.verb == "app.create_member" and self.app is None and step.setup:
                # DESIGN.md: setup creates existing members through the app probe when the
                # target has one, else with a plain SCIM POST.
                return create_member_over_scim(self.scim, self.directory, args)
            if step.verb.startswith("app."):
                if self.app is None:
                    raise ItemAbortError(Outcome.SKIP, "not verified: no app probe configured")
                exchange = run_app_step(step.verb, self.app, self.directory, args)
                if step.verb == "app.create_member" and "user" in args:
                    # Members made in the app are the item's too: cleanup removes them over SCIM.
                    created = self.directory.scim_ids.get(str(args["user"]))
                    if (
                        created
                        and exchange.response is not None
                        and exchange.response.status == 201
                    ):
                        self.scim.created.users.append(created)
                return exchange
            sent = run_verb(self.scim, self.directory, self.profile, step.verb, args)
            assert isinstance(sent, Exchange)
            return sent
        except (InterpolationError, ProfileError, AppStepError, KeyError) as error:
            # An id the IdP never learned (KeyError) after an answer failed its checks is the
            # target's doing: e.g. a group catalogue without the group the rule names.
            failed = isinstance(error, KeyError) and any(not r.passed for r in self.results)
            raise ItemAbortError(
                Outcome.FAIL if failed else Outcome.ERROR,
                f"step {step.index + 1} (line {step.line}): {error}",
            ) from error

    def _raw(self, step: Step) -> Exchange:
        request = step.request
        assert request is not None
        variables = self._variables()
        params = {str(k): str(v) for k, v in interpolate(dict(request.params), variables).items()}
        # A null header withholds the default one (a SPEC request without User-Agent).
        headers = {
            str(k): None if v is None else str(v)
            for k, v in interpolate(dict(request.headers), variables).items()
        }
        body = interpolate(request.body, variables) if request.has_body else None
        raw = interpolate(request.raw, variables) if request.raw is not None else None
        return self.scim.send(
            request.method,
            interpolate(request.path, variables),
            headers=headers,
            json_body=body,
            data=raw,
            params=params or None,
            auth=request.auth,
        )

    def _check_setup(self, step: Step, judged: Exchange) -> None:
        response = judged.response
        if response is None or response.status >= 400:
            status = (
                response.status
                if response is not None
                else judged.error.detail
                if judged.error
                else "?"
            )
            raise ItemAbortError(
                Outcome.ERROR, f"setup step {step.index + 1} (line {step.line}) failed: {status}"
            )

    def _save(self, step: Step, judged: Exchange) -> None:
        for name, where in step.save.items():
            value = self._saved_value(judged, where)
            if value is MISSING:
                raise ItemAbortError(
                    Outcome.FAIL if self.results else Outcome.ERROR,
                    f"step {step.index + 1} (line {step.line}): nothing to save as {name!r} "
                    f"at {where}",
                )
            self.saved[name] = value

    @staticmethod
    def _saved_value(judged: Exchange, where: Any) -> Any:
        response = judged.response
        if response is None:
            return MISSING
        if isinstance(where, Mapping):
            return response.headers.get(str(where["header"]).lower(), MISSING)
        try:
            return resolve(response.json(), str(where))
        except ValueError:
            return MISSING

    def _context(self, exchange: Exchange, schema: str | None = None) -> CheckContext:
        return CheckContext(
            exchange=exchange,
            variables=self.saved,
            target_schemas=self.target.schemas,
            etag_supported="etag" in self.target.capabilities.supported,
            schema=schema,
        )

    def _record(self, exchange: Exchange, judged_by_checks: bool) -> None:
        """Every exchange goes into the record; the always-on checks run on the judged ones."""
        self.sequence += 1
        self._sequence_of[id(exchange)] = self.sequence
        step = self._step.index if self._step is not None else -1
        setup = self._step.setup if self._step is not None else True
        self.emit(
            ExchangeRecorded(
                item=self.item,
                step=step,
                sequence=self.sequence,
                exchange=exchange.to_dict(),
                curl=curl_command(exchange),
                setup=setup or not judged_by_checks,
            )
        )
        if judged_by_checks and not setup and exchange.reachable:
            context = self._context(exchange)
            for check in registry.always_on():
                line = self._step.line if self._step is not None else 0
                self._evaluate(check, check.run(context), exchange, line)

    def _evaluate(
        self, check: Check, findings: list[Finding], exchange: Exchange | None, line: int
    ) -> None:
        step = self._step.index if self._step is not None else -1
        sequence = self._sequence_of.get(id(exchange), self.sequence) if exchange else self.sequence
        result = CheckEvaluated(
            item=self.item,
            step=step,
            sequence=sequence,
            check=check.id,
            level=check.level.value,
            ref=check.ref,
            title=check.title,
            passed=not findings,
            findings=tuple(finding.to_dict() for finding in findings),
            line=line,
        )
        self.results.append(result)
        self.emit(result)
