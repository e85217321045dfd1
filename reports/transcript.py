"""Recorded exchanges as escaped HTML: request, response and the curl line that replays it.

Every string here came from the target or the scenario, so all of it goes through `tag` (which
escapes). Long bodies are cut in HTML only; `results.jsonl` keeps them whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .html import Markup, join, tag

Record = Mapping[str, Any]
BODY_LIMIT = 4000
# A curl line is worthless cut short, so it gets more room than a body before it is elided.
CURL_LIMIT = 16000


def elide(text: str, limit: int = BODY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [elided: {len(text) - limit} more characters; see results.jsonl]"


def pretty_body(body: Any) -> str:
    """JSON bodies indented for reading; anything else as it came."""
    if body is None or body == "":
        return ""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or hostile nesting: shown as it is
        return text


def _headers(headers: Mapping[str, Any] | None) -> str:
    return "".join(f"{name}: {value}\n" for name, value in (headers or {}).items())


def request_text(exchange: Record) -> str:
    request = exchange["request"]
    body = pretty_body(request.get("body"))
    head = f"{request['method']} {request['url']}\n{_headers(request.get('headers'))}"
    return elide(head + (f"\n{body}" if body else ""))


def response_text(exchange: Record) -> str:
    response = exchange.get("response")
    error = exchange.get("error")
    if response is None:
        return f"no response: {error['kind']}: {error['detail']}" if error else "no response"
    body = pretty_body(response.get("body"))
    text = f"HTTP {response['status']}\n{_headers(response.get('headers'))}"
    text = elide(text + (f"\n{body}" if body else ""))
    if response.get("truncated"):
        text += "\n[the harness stopped reading: the body was larger than it accepts]"
    if error:
        text += f"\n[{error['kind']}: {error['detail']}]"
    return text


def status_of(exchange: Record) -> str:
    response = exchange.get("response")
    if response is not None:
        return str(response["status"])
    error = exchange.get("error")
    return str(error["kind"]) if error else "no response"


def summary_line(recorded: Record) -> str:
    request = recorded["exchange"]["request"]
    setup = " (setup, not judged)" if recorded.get("setup") else ""
    step = recorded.get("step", -1)
    where = f"step {step + 1}" if step >= 0 else "cleanup"
    status = status_of(recorded["exchange"])
    return (
        f"#{recorded['sequence']} {where}: {request['method']} {request['url']} → {status}{setup}"
    )


def _token_variable(curl: str) -> str:
    """App-probe requests carry the app's token, SCIM ones the SCIM token (see the curl line)."""
    return "SCIM_APP_TOKEN" if "$SCIM_APP_TOKEN" in curl else "SCIM_TOKEN"


def exchange_block(recorded: Record) -> Markup:
    """Request, response and curl for one recorded exchange."""
    exchange = recorded["exchange"]
    return join(
        [
            tag("h4", "Request"),
            tag("pre", request_text(exchange), class_="request"),
            tag("h4", "Response"),
            tag("pre", response_text(exchange), class_="response"),
            tag("h4", f"Reproduce (token from ${_token_variable(str(recorded['curl']))})"),
            tag("pre", elide(str(recorded["curl"]), CURL_LIMIT), class_="curl"),
        ]
    )


def item_transcript(exchanges: list[Record], checks: list[Record]) -> Markup:
    """Every exchange of an item, in order, each with the checks judged on it (pytest-html)."""
    blocks = []
    for recorded in exchanges:
        judged = [c for c in checks if c["sequence"] == recorded["sequence"]]
        verdicts = tag(
            "ul",
            *(
                tag("li", f"{'held' if c['passed'] else 'BROKEN'} {c['level']} {c['check']}")
                for c in judged
            ),
        )
        blocks.append(
            tag(
                "details",
                tag("summary", summary_line(recorded)),
                verdicts if judged else Markup(),
                exchange_block(recorded),
            )
        )
    if not blocks:
        return tag("p", "No exchange was recorded.")
    return tag("div", *blocks, class_="scimcert-transcript")
