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
from urllib.parse import urlsplit

from harness.checks.context import CheckContext
from harness.checks.registry import Check, Finding, registry
from harness.engine.app_steps import AppStepError, create_member_over_scim, run_app_step
from harness.engine.cascade import Cascade, StepBlockedError
from harness.engine.expectations import body_checks, expectation_check, grade, status_held
from harness.engine.setup_refusal import refusal, setup_check
from harness.engine.target import Target
from harness.engine.token_step import NOT_KNOWN, TOKEN_VERB, TokenSteps
from harness.scenario.interpolate import InterpolationError, interpolate
from harness.scenario.model import Expectation, Scenario, Step
from harness.scenario.pointer import MISSING, resolve
from harness.scenario.step_deps import action
from harness.transport.exchange import Exchange, curl_command
from harness.transport.recording import RecordingTransport
from mock_idp.directory import Directory, item_seed
from mock_idp.profile import Profile, ProfileError
from mock_idp.strategies import run_verb
from mock_idp.wire import Several
from verdict.events import (
    CheckEvaluated,
    Event,
    ExchangeRecorded,
    ItemFinished,
    ItemStarted,
    StepFinished,
)
from verdict.grading import item_outcome
from verdict.outcomes import Outcome

from . import cleanup

Emit = Callable[[Event], None]
PAUSE_VERB = "pause"
MAX_PAUSE_SECONDS = 60.0
harness_log = logging.getLogger("scimcert.harness")
CREDENTIALS_REFUSED = frozenset({401, 403})
NOT_SENT = "not-sent"  # harness/transport/breaker.py held the request back


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
    # Okta's SPEC suite pauses between requests (docs/idp/okta.md#spec-test); replayed only
    # when asked for.
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
        self._item_hex = f"{seed % 16**8:08x}"
        self.directory = Directory(run_prefix=f"{self.run.prefix}-{self._item_hex}", seed=seed)
        self.scim = RecordingTransport(self.target.scim, self._record)
        # App-probe answers are not SCIM: they are graded by expectations only.
        self.app = (
            RecordingTransport(self.target.app, self._record_app, scim=False)
            if self.target.app
            else None
        )
        self._step: Step | None = None
        self.cascade = Cascade(self.scenario.steps)
        client = self.target.token_client
        self.tokens = TokenSteps(client, self.target.scim, self._record) if client else None

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
            # `item`: eight hex digits of this item alone, for names a scenario writes itself
            # (Microsoft's `lascuser<hex>`) that must not collide with the same scenario run
            # beside it under another profile.
            "run": {"id": self.run.run_id, "prefix": self.run.prefix, "item": self._item_hex},
            **self.saved,
        }

    def _run_step(self, step: Step) -> None:
        self._step = step
        try:
            self.cascade.check(step)
            if step.verb == PAUSE_VERB:
                self._pause(step)
                self._finished(step)
                return
            judged = self._send(step)
        except StepBlockedError as blocked:
            self.cascade.blocked(step, blocked.culprit)
            self._finished(step, blocked_by=blocked.culprit, reason=blocked.reason)
            return
        if isinstance(judged, Several):
            self._each(step, judged)
            return
        if judged.error is not None and not judged.reachable:
            raise ItemAbortError(Outcome.ERROR, f"target unreachable: {judged.error.detail}")
        if step.setup:
            self._check_setup(step, judged)
            self._save(step, judged)
            self._finished(step)
        else:
            skipped, why = self._grade(step, judged)
            self._save(step, judged)
            self._finished(step, not_evaluated=skipped, reason=why)

    def _each(self, step: Step, several: Several) -> None:
        """A verb that sent one request per thing the server listed: every answer is graded by
        the step's expectations alike; having nothing to send, the item is SKIPped with the
        verb's reason, since there was nothing of the kind to judge."""
        if not several.sent:
            raise ItemAbortError(Outcome.SKIP, f"not verified: {several.none}")
        if step.setup:
            raise ItemAbortError(Outcome.ERROR, f"step {step.index + 1}: {step.verb} is no setup")
        skipped: list[str] = []
        why = ""
        for sent in several.sent:
            assert isinstance(sent, Exchange)
            if sent.error is not None and not sent.reachable:
                raise ItemAbortError(Outcome.ERROR, f"target unreachable: {sent.error.detail}")
            missed, reason = self._grade(step, sent)
            skipped += [check for check in missed if check not in skipped]
            why = why or reason
        last = several.sent[-1]
        assert isinstance(last, Exchange)
        self._save(step, last)
        self._finished(step, not_evaluated=skipped, reason=why)

    def _grade(self, step: Step, judged: Exchange) -> tuple[list[str], str]:
        """Grade the step's expectations; after a wrong status, only the status.

        Returns the checks left ungraded and why: an answer with another status than the one
        expected (a 401 error, a 404 page) holds nothing those checks could judge.
        """
        graded = [
            (expectation, self._context(judged, expectation.schema))
            for expectation in self._interpolated(step)
            if not self._not_verifiable(step, expectation)
        ]
        wrong = [e.status for e, ctx in graded if not status_held(e, ctx)]
        response = judged.response
        why = (
            self._wrong_status(step, response.status, wrong[0], judged)
            if wrong and response is not None
            else ""
        )
        skipped: list[str] = []
        for expectation, context in graded:
            own = expectation.status is not None
            body = status_held(expectation, context) if own else not wrong
            if not body:
                skipped += [c for c in body_checks(expectation) if c not in skipped]
            for result in grade(expectation, context, self.directory.facts, body=body):
                self._evaluate(result.check, result.findings, judged, step.line)
        broken = {
            r.check
            for r in self.results
            if r.step == step.index and not r.passed and r.level != "MAY"
        }
        if broken:
            self.cascade.fail(step.index, f"{', '.join(sorted(broken))} failed")
        return skipped, why

    def _wrong_status(
        self, step: Step, status: int, expected: tuple[int, ...] | None, judged: Exchange
    ) -> str:
        """Note the step's wrong status; refused credentials, or no /Users at all, leave
        nothing later that could be judged."""
        why = f"status {status}, expected {_statuses(expected)}"
        self.cascade.fail(step.index, why)
        number = step.index + 1
        if status in CREDENTIALS_REFUSED and _default_auth(step):
            self.cascade.halt(step.index, f"the credentials were refused at step {number}")
        elif status == 404 and self._is_users_collection(judged):
            self.cascade.halt(step.index, f"step {number} found no /Users at the base URL")
        return why

    def _is_users_collection(self, judged: Exchange) -> bool:
        """A request to `<base>/Users` itself: every SCIM server has it, so a 404 there says
        the base URL is wrong, and every later step would only say it again."""
        base = urlsplit(self.target.scim.base_url).path.rstrip("/")
        sent = urlsplit(judged.request.url)
        # A filtered list answered 404 is a server's bug about filters, not a missing endpoint.
        return not sent.query and sent.path.rstrip("/") == f"{base}/Users"

    def _finished(
        self,
        step: Step,
        *,
        blocked_by: int = -1,
        reason: str = "",
        not_evaluated: list[str] | None = None,
    ) -> None:
        self.emit(
            StepFinished(
                item=self.item,
                step=step.index,
                line=step.line,
                action=action(step),
                blocked_by=blocked_by,
                reason=reason,
                not_evaluated=tuple(not_evaluated or ()),
            )
        )

    def _not_verifiable(self, step: Step, expectation: Expectation) -> bool:
        """An expectation the target cannot show (no app probe): noted, not graded."""
        missing = self.target.capabilities.missing(expectation.requires)
        if missing:
            reasons = "; ".join(self.target.capabilities.why_not(name) for name in missing)
            self.not_verified.append(f"{expectation.check} (line {step.line}): {reasons}")
        return bool(missing)

    def _pause(self, step: Step) -> None:
        """`do: pause, seconds: N`: waits only with --okta-pauses, or always with `always: true`
        (a wait the scenario grades, such as a cursor's expiry); sends nothing either way."""
        seconds = step.args.get("seconds")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise ItemAbortError(Outcome.ERROR, f"step {step.index + 1}: pause needs `seconds`")
        if self.run.pauses or step.args.get("always") is True:
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

    def _send(self, step: Step) -> Exchange | Several:
        try:
            args = interpolate(dict(step.args), self._variables())
            if step.request is not None:
                return self._raw(step)
            assert step.verb is not None
            if step.verb == TOKEN_VERB:
                if self.tokens is None:
                    raise ItemAbortError(Outcome.SKIP, f"not verified: {NOT_KNOWN}")
                return self.tokens.request(step.index, args)
            if step.verb == "app.create_member" and self.app is None and step.setup:
                # docs/app-probe.md#post-members: setup creates existing members through the app
                # probe when the target has one, else with a plain SCIM POST.
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
            timeout = self.scim.transport.options.timeout  # also caps an IdP's retry waits
            sent = run_verb(
                self.scim, self.directory, self.profile, step.verb, args, timeout=timeout
            )
            assert isinstance(sent, Exchange | Several)
            return sent
        except KeyError as error:
            # An id the IdP never learned, after a step failed, is that step's doing (a user
            # never created, a group catalogue without the group a rule names): blocked by it.
            # With no failed step, the scenario used a name before creating it: ours.
            blocked = self.cascade.missing_id(error)
            if blocked is not None:
                raise blocked from error
            raise ItemAbortError(
                Outcome.ERROR, f"step {step.index + 1} (line {step.line}): {error}"
            ) from error
        except (InterpolationError, ProfileError, AppStepError) as error:
            raise ItemAbortError(
                Outcome.ERROR, f"step {step.index + 1} (line {step.line}): {error}"
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
        auth = request.auth
        if auth == "issued":
            headers["Authorization"] = f"Bearer {self._issued_token()}"
            auth = "default"  # the header above wins over the run's own credentials
        return self.scim.send(
            request.method,
            interpolate(request.path, variables),
            headers=headers,
            json_body=body,
            data=raw,
            params=params or None,
            auth=auth,
        )

    def _issued_token(self) -> str:
        """The token the item's last `oauth_token` step was issued; a step that needs it after
        that step failed is blocked by it."""
        if self.tokens is None:
            raise ItemAbortError(Outcome.SKIP, f"not verified: {NOT_KNOWN}")
        if self.tokens.issued is None:
            if self.tokens.step < 0:
                raise ItemAbortError(Outcome.ERROR, "`auth: issued` before any oauth_token step")
            raise StepBlockedError(
                self.tokens.step, self.cascade.needs(self.tokens.step, "an access token")
            )
        return self.tokens.issued

    def _check_setup(self, step: Step, judged: Exchange) -> None:
        """A reachable server that refuses a setup step fails the check that step concerns."""
        if judged.error is not None and judged.error.kind == NOT_SENT:
            # Held back by the breaker: the timeouts that opened it were graded where they
            # happened; this item stops with the reason rather than fail a request never sent.
            where = f"setup step {step.index + 1} (line {step.line})"
            raise ItemAbortError(Outcome.ERROR, f"{where} not sent: {judged.error.detail}")
        finding = refusal(step, judged)
        if finding is None:
            return
        check = setup_check(step, judged, self.scenario)
        self._evaluate(check, [finding], judged, step.line)
        self.cascade.fail(step.index, finding.message)
        # What follows presupposes the setup: judging it would only repeat this failure.
        self.cascade.halt(step.index, f"the setup at step {step.index + 1} was refused")

    def _save(self, step: Step, judged: Exchange) -> None:
        for name, where in step.save.items():
            value = self._saved_value(judged, where)
            if value is MISSING and step.index not in self.cascade.failed:
                self._unsaved(step, judged, name, where)
            if value is MISSING:
                self.cascade.owe(name, step.index)  # graded once; who needs it is blocked
                continue
            self.saved[name] = value

    def _unsaved(self, step: Step, judged: Exchange, name: str, where: Any) -> None:
        """An answer that passed without the value the scenario saves from it (a 201 with no
        `id`): the server's failure, charged to the check the step concerns."""
        shown = where["header"] if isinstance(where, Mapping) else where
        message = f"step {step.index + 1} (line {step.line}): nothing at {shown} to save as {name}"
        expects = [e for e in step.expects if not self.target.capabilities.missing(e.requires)]
        check = (
            expectation_check(expects[0])
            if expects and not step.setup
            else setup_check(step, judged, self.scenario)
        )
        self._evaluate(check, [Finding(message, f"a value at {shown}", None)], judged, step.line)
        self.cascade.fail(step.index, message)

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

    def _record_app(self, exchange: Exchange, judged_by_checks: bool) -> None:
        self._record(exchange, judged_by_checks, token_env="SCIM_APP_TOKEN")

    def _record(
        self, exchange: Exchange, judged_by_checks: bool, token_env: str = "SCIM_TOKEN"
    ) -> None:
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
                curl=curl_command(exchange, token_env),
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


def _statuses(statuses: tuple[int, ...] | None) -> str:
    return " or ".join(str(code) for code in statuses or ())


def _default_auth(step: Step) -> bool:
    """Sent with the run's credentials (not a probe without them, or with a wrong token)."""
    return step.request is None or step.request.auth == "default"
