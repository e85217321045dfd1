"""A recording turned into a scenario that the normal run executes (`scimcert replay`).

Each recorded exchange becomes one raw `request:` step: the same method, path under the base,
headers that matter and body, with the ids, ETags and cursors the recorded server assigned written
as variables the replay saves from its own answers (`replay_ids`). Its expectations are the
recorded answer (`replay_compare`), graded as `replay-status-matches` and `replay-body-matches`,
beside the always-on checks every judged exchange gets. So a replay goes through the same engine,
results.jsonl, reports and verdict as any scenario run. An exchange that cannot be replayed is
kept in the scenario file as a comment with the reason, and counted (docs/replay.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from harness.capture.endpoints import DISCOVERY
from harness.capture.recording import Recording, Take
from harness.capture.replay_base import Base, endpoint, recorded_base
from harness.capture.replay_compare import Answer, expected
from harness.capture.replay_ids import Learned, assigned_ids, cursors_in
from harness.capture.replay_secrets import still_redacted, with_placeholders
from harness.transport.exchange import Exchange
from harness.transport.redaction import REDACTED

STATUS_CHECK = "replay-status-matches"
BODY_CHECK = "replay-body-matches"
PROFILE = "rfc"  # raw requests are the same under every profile: run them once
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# The request headers a replay repeats; Authorization never (the replay's own credentials are
# used), nor what the transport sets itself (Host, Content-Length, Connection...).
KEPT_HEADERS = ("Content-Type", "Accept", "If-Match", "If-None-Match", "User-Agent")
UNAUTHORIZED = 401


@dataclass(frozen=True, slots=True)
class Skipped:
    """An exchange the replay does not send, with the reason."""

    number: int  # 1-based position in the recording
    label: str
    request: str  # "POST https://host/path"
    reason: str


@dataclass(frozen=True, slots=True)
class Derived:
    """The scenario a recording becomes, and what it says about the recording."""

    scenario_id: str
    title: str
    text: str  # the scenario file
    exchanges: int
    skipped: tuple[Skipped, ...]
    complete: bool
    base: Base | None

    @property
    def replayed(self) -> int:
        return self.exchanges - len(self.skipped)

    def summary(self, name: str) -> str:
        """`a replay of rec.jsonl: 12 exchanges, 10 replayed, 2 not replayable`."""
        text = (
            f"a replay of {name}: {self.exchanges} exchanges, {self.replayed} replayed, "
            f"{len(self.skipped)} not replayable"
        )
        if not self.complete:
            text += "; the recording was cut short (no closing line): what followed is missing"
        return text


def scenario_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")
    return f"replay/{slug or 'recording'}"


def derive(recording: Recording, name: str) -> Derived:
    """The scenario replaying `recording` (read from the file `name`)."""
    base = recorded_base(take.exchange.request.url for take in recording.takes)
    builder = _Builder(recording, base)
    steps = list(builder.steps())
    exchanges, skipped = len(recording.takes), tuple(builder.skipped)
    replayed = exchanges - len(skipped)
    title = f"Replay of {Path(name).name}: {exchanges} exchanges, {replayed} replayed, "
    title += f"{len(skipped)} not replayable" + ("" if recording.complete else ", cut short")
    head = _yaml({"id": scenario_id(name), "title": title, "profiles": [PROFILE]})
    text = "\n".join([*_preamble(recording, name, base), head.rstrip("\n"), "steps:", *steps])
    return Derived(
        scenario_id=scenario_id(name),
        title=title,
        text=text + "\n",
        exchanges=exchanges,
        skipped=skipped,
        complete=recording.complete,
        base=base,
    )


def write_scenario(derived: Derived, folder: Path) -> Path:
    """The scenario file in its own folder (a run's `--scenarios`), replacing an earlier one."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.yaml"):
        stale.unlink()
    path = folder / f"{derived.scenario_id.split('/', 1)[1]}.yaml"
    path.write_text(derived.text, encoding="utf-8")
    return path


def _preamble(recording: Recording, name: str, base: Base | None) -> list[str]:
    header = recording.header
    found = [
        f"# Derived by `scimcert replay` from {_one_line(name)} (docs/replay.md).",
        f"# Recorded from: {_one_line(header.source)} {_one_line(header.origin)}".rstrip(),
        f"# Recorded SCIM base: {base if base is not None else 'none found'}",
    ]
    found += [f"# Note: {_one_line(note)}" for note in header.notes]
    return found


class _Dumper(yaml.SafeDumper):
    """Writes a value shared by two steps out twice: an anchor and alias hide what is expected."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _indented(text: str) -> list[str]:
    return [f"  {line}" if line else line for line in text.splitlines()]


class _Later:
    """The text of every request, to tell whether a value an answer hands out comes back."""

    def __init__(self, takes: tuple[Take, ...]) -> None:
        texts = [_request_text(take.exchange) for take in takes]
        self.offsets = [0]
        for text in texts:
            self.offsets.append(self.offsets[-1] + len(text) + 1)
        self.joined = "\n".join(texts)

    def repeats(self, value: str, number: int) -> bool:
        """Whether a request after exchange `number` (1-based) carries `value`."""
        start = self.offsets[number] if number < len(self.offsets) else len(self.joined)
        return self.joined.find(value, start) >= 0


def _request_text(exchange: Exchange) -> str:
    request = exchange.request
    return " ".join([request.url, request.body or "", *request.headers.values()])


class _Builder:
    def __init__(self, recording: Recording, base: Base | None) -> None:
        self.takes = recording.takes
        self.base = base
        self.learned = Learned()
        self.later = _Later(recording.takes)
        self.skipped: list[Skipped] = []

    def steps(self) -> Iterator[str]:
        total = len(self.takes)
        for number, take in enumerate(self.takes, start=1):
            exchange = take.exchange
            relative = self.base.relative(exchange.request.url) if self.base else None
            reason = self._unreplayable(exchange, relative)
            what = f"exchange {number} of {total} ({_one_line(take.label)})"
            if reason is not None or relative is None:
                shown = f"{exchange.request.method} {exchange.request.url}"
                why = reason or "outside the SCIM base"
                self.skipped.append(Skipped(number, take.label, shown, why))
                self.learned.lose(self._assigned(exchange, relative or ""), number)
                yield f"  # {what}: {_one_line(shown)}: NOT REPLAYED: {_one_line(why)}"
                continue
            step, notes = self._step(number, exchange, relative)
            yield f"  # {what}: {exchange.request.method} {_one_line(relative)}"
            yield from (f"  # {_one_line(note)}" for note in notes)
            yield from _indented(_yaml([step]))

    def _unreplayable(self, exchange: Exchange, relative: str | None) -> str | None:
        request = exchange.request
        if exchange.response is None:
            error = exchange.error
            why = f"{error.kind}: {error.detail}" if error is not None else "none"
            return f"no recorded answer to compare with ({why})"
        if _token_request(exchange):
            return "a token endpoint request: a replay authenticates with its own options (--auth)"
        if self.base is None:
            return "no URL of the recording names a SCIM endpoint: no base to replay under"
        if relative is None:
            return f"not a request to the recorded SCIM base {self.base}"
        if request.method.upper() not in METHODS:
            return f"method {request.method} is not one a scenario sends"
        if (
            request.body is not None
            and REDACTED in request.body
            and not _passwords_only(request.body)
        ):
            return (
                f"its body was redacted when recorded ({REDACTED} stands where a secret other "
                "than a password was)"
            )
        answer = exchange.response.body
        lost = self.learned.lost_in(f"{_request_text(exchange)} {answer}")
        if lost is not None:
            return f"it names id {lost[0]}, which exchange {lost[1]} assigned and was not replayed"
        return None

    def _assigned(self, exchange: Exchange, relative: str) -> list[str]:
        body = _json(exchange)
        return [value for _, value in assigned_ids(body, endpoint(relative))]

    def _step(
        self, number: int, exchange: Exchange, relative: str
    ) -> tuple[dict[str, Any], list[str]]:
        response = exchange.response
        assert response is not None
        request = self._request(exchange, relative)
        named = endpoint(relative)
        body = _json(exchange)
        sent = _request_text(exchange)
        fresh = [
            (where, value)
            for where, value in assigned_ids(body, named)
            if 200 <= response.status < 300
            and named not in DISCOVERY
            and value not in self.learned.ids
            and value not in sent
        ]
        answer = Answer(
            learned=self.learned,
            base=self.base or Base("", ""),
            fresh=frozenset(value for _, value in fresh),
            filtered=_filtered(exchange),
            discovery=named in DISCOVERY,
        )
        wanted = expected(response, answer)
        expects: list[dict[str, Any]] = []
        block: dict[str, Any] = {"check": BODY_CHECK}
        if wanted.schema:
            block["schema"] = wanted.schema
        if wanted.json:
            block["json"] = wanted.json
        if wanted.headers:
            block["headers"] = wanted.headers
        if len(block) > 1:
            expects.append(block)
        expects.append({"check": STATUS_CHECK, "status": response.status})
        step: dict[str, Any] = {"request": request, "expect": expects}
        save = self._save(number, exchange, named, fresh, body)
        if save:
            step["save"] = save
        return step, [wanted.note] if wanted.note else []

    def _save(
        self,
        number: int,
        exchange: Exchange,
        named: str,
        fresh: list[tuple[str, str]],
        body: Any,
    ) -> dict[str, Any]:
        save: dict[str, Any] = {}
        for where, value in fresh:
            save[self.learned.add_id(value, named)] = where
        for where, cursor in cursors_in(body):
            if self.later.repeats(cursor, number):
                save[self.learned.add_cursor(cursor)] = where
        response = exchange.response
        etag = response.headers.get("etag") if response is not None else None
        if etag and self.later.repeats(etag, number):
            save[self.learned.add_version(etag)] = {"header": "ETag"}
        return save

    def _request(self, exchange: Exchange, relative: str) -> dict[str, Any]:
        recorded = exchange.request
        request: dict[str, Any] = {"method": recorded.method.upper(), "path": ""}
        request["path"] = self.learned.text(relative)
        by_name = {name.lower(): value for name, value in recorded.headers.items()}
        headers = {
            name: self.learned.header(name, by_name[name.lower()])
            for name in KEPT_HEADERS
            if name.lower() in by_name
        }
        if headers:
            request["headers"] = headers
        body = recorded.body
        if body:
            parsed = _parsed(body)
            if parsed is not None:
                request["body"] = with_placeholders(self.learned.value(parsed))
            else:
                request["raw"] = self.learned.text(body)
        if "authorization" not in by_name:
            request["auth"] = "none"
        elif exchange.response is not None and exchange.response.status == UNAUTHORIZED:
            # The recorded credential was refused: the replay sends a wrong one, not its own.
            request["auth"] = "invalid"
        return request


def _json(exchange: Exchange) -> Any:
    response = exchange.response
    if response is None or response.truncated:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _parsed(body: str) -> Any:
    """A JSON body as a value, or None to send it as recorded (not JSON, or JSON `null`)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # a hostile depth is no JSON to read
        return None


def _passwords_only(body: str) -> bool:
    """A JSON body whose only redacted values are passwords: the replay sends its own."""
    parsed = _parsed(body)
    return parsed is not None and not still_redacted(with_placeholders(parsed))


def _token_request(exchange: Exchange) -> bool:
    path = urlsplit(exchange.request.url).path.rstrip("/")
    body = exchange.request.body or ""
    return path.endswith("/token") or "grant_type=" in body


def _filtered(exchange: Exchange) -> bool:
    """A list asked for with a filter: in the query, or in a `/.search` body."""
    query = urlsplit(exchange.request.url).query
    if re.search(r"(^|&)filter=", query):
        return True
    parsed = _parsed(exchange.request.body or "")
    return isinstance(parsed, dict) and "filter" in parsed
