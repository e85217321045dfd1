"""Scrubbing: personal data in a recording replaced by consistent pseudonyms.

A `Scrubber` is stateful so the recording proxy can scrub each exchange as it streams: it first
learns the personal values an exchange holds (personal.py), then rewrites every place they can
appear (URL path and query, headers, bodies, a transport error) with the recording-wide stand-ins
(pseudonyms.py). JSON bodies are rewritten string by string, so their layout and every value that
holds nothing personal stay byte for byte as recorded; an encoded filter stays encoded the way it
was. `scrub_recording` learns the whole recording before rewriting any of it, so a value first
named in a later exchange is scrubbed from an earlier one too. docs/recordings.md says what is
replaced and what is not.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

from harness.capture import personal
from harness.capture.personal import Found
from harness.capture.pseudonyms import KINDS, Pseudonyms
from harness.capture.recording import Recording, RecordingHeader, Take
from harness.transport.exchange import Exchange, RecordedResponse
from harness.transport.redaction import REDACTED, parse_json

# Names are matched as whole words in these values only where a name can be: never in an id, a
# schema URN, an operation or a type, so a person called "Work" cannot rewrite `"type": "work"`.
_NOT_NAMES = frozenset(
    {"id", "schemas", "op", "type", "resourcetype", "$ref", "version", "created", "lastmodified"}
)
_URL_HEADERS = frozenset({"location", "content-location"})
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?')
_PERSONAL_PATH = re.compile(r"/(?:Users|Me)(?:/|$|\?)")
_KIND_WORDS = {"name": "name(s)", "email": "e-mail address(es)", "phone": "phone number(s)"}


class Scrubber:
    def __init__(self) -> None:
        self._pseudonyms = Pseudonyms()

    @property
    def replaced(self) -> dict[str, int]:
        """Kind ("name", "email", "phone") -> distinct original values replaced so far."""
        return self._pseudonyms.replaced

    def learn(self, take: Take) -> None:
        """Meet the personal values of `take` without rewriting it (a first pass)."""
        found = list(_found(take.exchange))
        # Parts first: a display name spelled by known parts needs no stand-in of its own.
        for item in sorted(found, key=lambda f: f.kind == "whole"):
            self._register(item)

    def take(self, take: Take) -> Take:
        """`take` with every personal value met so far (its own included) replaced."""
        self.learn(take)
        exchange = take.exchange
        request = exchange.request
        clean_request = replace(
            request,
            url=self._url(request.url),
            headers=self._headers(request.headers),
            body=None if request.body is None else self._body(request.body),
        )
        response = exchange.response
        clean_response = None
        if response is not None:
            clean_response = RecordedResponse(
                status=response.status,
                headers=self._headers(response.headers),
                body=self._body(response.body),
                truncated=response.truncated,
            )
        error = exchange.error
        if error is not None:
            error = replace(error, detail=self._text(error.detail))
        clean = Exchange(
            request=clean_request,
            response=clean_response,
            elapsed_ms=exchange.elapsed_ms,
            error=error,
        )
        return Take(exchange=clean, label=self._pseudonyms.replace(take.label, names=False))

    def _register(self, found: Found) -> None:
        names = self._pseudonyms
        if found.kind == "email":
            names.email(found.value)
        elif found.kind == "phone":
            names.phone(found.value)
        elif found.kind == "part":
            names.part(found.prefix, found.value)
        else:
            names.whole(found.value)

    def _url(self, url: str) -> str:
        parts = urlsplit(url)
        path = "/".join(self._component(p, plus=False, names=False) for p in parts.path.split("/"))
        query = "&".join(self._pair(pair) for pair in parts.query.split("&")) if parts.query else ""
        return urlunsplit(parts._replace(path=path, query=query))

    def _pair(self, pair: str) -> str:
        key, equals, value = pair.partition("=")
        return key + equals + self._component(value, plus=True, names=True)

    def _component(self, raw: str, *, plus: bool, names: bool) -> str:
        """One URL component: decoded, scrubbed, and encoded again only if it changed, in the
        style it came in (`+` or `%20` for a space)."""
        decoded = unquote_plus(raw) if plus else unquote(raw)
        clean = self._pseudonyms.replace(decoded, names=names)
        if clean == decoded:
            return raw
        encoded = quote(clean, safe=_unescaped_in(raw))
        return encoded.replace("%20", "+") if "+" in raw and "%20" not in raw else encoded

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {name: self._header(name, value) for name, value in headers.items()}

    def _header(self, name: str, value: str) -> str:
        if value == REDACTED:
            return value
        if name.lower() in _URL_HEADERS:
            return self._url(value)
        return self._pseudonyms.replace(value, names=False)

    def _body(self, body: str) -> str:
        if body.lstrip()[:1] in ("{", "[") and parse_json(body) is not None:
            # Names only where the string rewrite put them: a key or an id keeps its word. Only
            # a whole document is walked string by string: in one cut short (or hostile), every
            # escaped quote after the cut would start a scan to its end.
            return self._last_resort(_json_strings(body, self._pseudonyms), names=False)
        if "=" in body and " " not in body.strip():  # a URL-encoded form
            form = "&".join(self._pair(pair) for pair in body.split("&"))
            return self._last_resort(form, names=True)
        return self._text(body)

    def _text(self, text: str) -> str:
        return self._last_resort(self._pseudonyms.replace(text), names=True)

    def _last_resort(self, text: str, *, names: bool) -> str:
        """What the careful rewrite left (a string cut short, an odd encoding) is replaced in
        place, then in the decoded text, so no original survives in any spelling."""
        pseudonyms = self._pseudonyms
        if pseudonyms.found_in(text, names=names):
            text = pseudonyms.replace(text, names=names)
        for decode in (unquote_plus, html.unescape):
            decoded = decode(text)
            if decoded != text and pseudonyms.found_in(decoded, names=names):
                text = pseudonyms.replace(decoded, names=names)
        return text


def _found(exchange: Exchange) -> list[Found]:
    request, response = exchange.request, exchange.response
    user = _PERSONAL_PATH.search(urlsplit(request.url).path + "?") is not None
    found: list[Found] = []
    found += personal.in_text(unquote_plus(request.url))
    query = urlsplit(request.url).query
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() == "filter":
            found += personal.in_filter(unquote_plus(value), user)
    texts = [request.body or ""]
    if response is not None:
        texts.append(response.body)
        found += personal.in_text(" ".join(response.headers.values()))
    found += personal.in_text(" ".join(request.headers.values()))
    if exchange.error is not None:
        found += personal.in_text(exchange.error.detail)
    for text in texts:
        document = parse_json(text)
        if document is not None:
            found += personal.in_document(document, user)
        found += personal.in_text(text)
        found += personal.in_text(unquote_plus(text))
    return found


def _json_strings(text: str, pseudonyms: Pseudonyms) -> str:
    """Each JSON string value decoded, scrubbed and written back only if it changed; keys and
    everything between the strings stay as they were."""
    pieces: list[str] = []
    position, key, key_end = 0, "", -1
    for match in _STRING.finditer(text):
        if match[2]:
            key, key_end = match[1].lower(), match.end()
            continue
        own_key = key if text[key_end : match.start()].strip() == "" else ""
        decoded = _decoded(match[1])
        if decoded is None:
            continue
        names = own_key.rsplit(":", 1)[-1] not in _NOT_NAMES and not decoded.startswith("urn:")
        clean = pseudonyms.replace(decoded, names=names)
        if clean != decoded:
            pieces += [text[position : match.start()], json.dumps(clean, ensure_ascii=False)]
            position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _decoded(inner: str) -> str | None:
    try:
        value = json.loads(f'"{inner}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _unescaped_in(raw: str) -> str:
    """The punctuation a component carried unescaped: kept so on the way back."""
    return "".join(sorted({c for c in raw if not c.isalnum() and c not in "%+"}))


def scrub_recording(recording: Recording) -> Recording:
    """The recording with personal data pseudonymised; the header counts what was replaced."""
    scrubber = Scrubber()
    for take in recording.takes:
        scrubber.learn(take)
    takes = tuple(scrubber.take(take) for take in recording.takes)
    header = recording.header
    counts = dict(header.scrubbed)
    for kind, count in scrubber.replaced.items():
        counts[kind] = counts.get(kind, 0) + count
    fields = {name: getattr(header, name) for name in RecordingHeader.__slots__}
    fields.update(scrubbed=counts, notes=(*header.notes, scrub_note(scrubber.replaced)))
    return replace(recording, header=RecordingHeader(**fields), takes=takes)


def scrub_note(replaced: dict[str, int]) -> str:
    if not replaced:
        return "scrubbed: no name, e-mail address or phone number found"
    listed = ", ".join(f"{replaced[k]} {_KIND_WORDS[k]}" for k in KINDS if k in replaced)
    return f"scrubbed: {listed} replaced by pseudonyms, the same one wherever each appeared"
