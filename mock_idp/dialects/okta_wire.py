"""How every Okta strategy puts a request on the wire: Okta's headers, and 429 retries on demand.

Retries happen only when a step asks for them (`retry_429: true`, the scenarios about rate limiting,
docs/idp/okta.md#rate-limiting); everywhere else a 429 is the answer the scenario judges. What the
retries did is reported in `directory.facts["rate_limit"]`, for `expect: {idp: ...}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..strategies import DIALECTS, Dialect, VerbCall
from ..wire import Sent
from . import okta_rate_limit as rate_limit
from .okta_rate_limit import RetryPolicy, SystemClock, send_with_retries

# docs/idp/okta.md#headers: the existence check always carries these; Okta pages 100 at a time
# (#import).
PAGE_SIZE = 100
FIRST_PAGE = {"startIndex": "1", "count": str(PAGE_SIZE)}

# Tests replace it to run Okta's waits in no time.
CLOCK: rate_limit.Clock = SystemClock()


def begin(call: VerbCall) -> None:
    """A step that retries 429 starts a fresh rate-limit report."""
    if call.args.get("retry_429"):
        call.directory.facts["rate_limit"] = _empty_report()


def _headers(call: VerbCall, has_body: bool) -> dict[str, str]:
    # docs/idp/okta.md#headers: Content-Type only with a body, not on GET or DELETE.
    return {
        name: value
        for name, value in call.profile.headers.items()
        if has_body or name.lower() != "content-type"
    }


def send(
    call: VerbCall,
    method: str,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    json_body: Any = None,
) -> Sent:
    """One Okta request; with `retry_429` on the step, retried the way
    docs/idp/okta.md#rate-limiting says, waiting at most the run's `--timeout` in all."""
    chosen = _headers(call, json_body is not None)

    def once() -> Sent:
        return call.wire.send(method, path, headers=chosen, json_body=json_body, params=params)

    if not call.args.get("retry_429"):
        return once()
    sent, attempts = send_with_retries(once, RetryPolicy(CLOCK, call.timeout))
    _report(call, method, path, attempts)
    return sent


DIALECTS.add("okta", Dialect(send, begin))


def _report(call: VerbCall, method: str, path: str, attempts: rate_limit.Attempts) -> None:
    report: Any = call.directory.facts.setdefault("rate_limit", _empty_report())
    report["requests"].append({"method": method, "path": path, **attempts.to_fact()})
    report["throttled"] += len(attempts.retry_after)
    report["unusable_retry_after"] += sum(
        1 for header in attempts.retry_after if not rate_limit.is_seconds(header)
    )
    report["gave_up"] = report["gave_up"] or attempts.gave_up is not None


def _empty_report() -> dict[str, Any]:
    """What `facts["rate_limit"]` holds for one step: 429s met, unusable Retry-After headers
    among them (#rate-limiting: those cost 5 minutes), whether Okta gave up, and each request."""
    return {"throttled": 0, "unusable_retry_after": 0, "gave_up": False, "requests": []}
