"""How every Entra request is written: the tenant URL's query, `+`-encoded filters, op casing.

Profile options (`options:` in the profile file) that shape every request of an Entra job:

- `base_query`: what the admin appended to the Tenant URL, e.g. `aadOptscim062020`
  (docs/idp/entra.md#dialects). Entra calls the URL as typed, so the flag rides on every request.
- `ops`: `capitalised` (`Add`/`Replace`/`Remove`, the default job) or `lowercase`
  (the flag, and Microsoft's SCIM Validator).
- `booleans`: `string` (`"True"`/`"False"`, the default job, #disable-and-re-enable) or `json`
  (the flag).
- `match`: the matching attribute, `userName` (the default) or `externalId` (#matching).
- `member_ref_null`: `"$ref": null` beside each member value (the default job, #groups).
- `body`: `validator` for the SCIM Validator's create bodies (#scim-validator).

A verb's own options and a step's arguments of the same name override these (`call.option`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus, urlencode

from ..options import OPS, Option, choice, count, flag, text
from ..strategies import DIALECTS, Dialect, VerbCall
from ..wire import Sent

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MANAGER_PATH = f"{ENTERPRISE}:manager"

# The options above, and those of single verbs, as the strategies declare them.
BASE_QUERY = text("base_query")  # read by every request (`send`)
MATCH = choice("match", "userName", "externalId")
BODY = choice("body", "validator")
MEMBER_REF_NULL = flag("member_ref_null")
MEMBER_OP = choice("member_op", "add", "replace")
PAGE_SIZE = count("page_size")


def reads(*options: Option) -> tuple[Option, ...]:
    """What an Entra strategy reads: the Tenant URL's query on every request, and `options`."""
    return (BASE_QUERY, *options)


def writes(*options: Option) -> tuple[Option, ...]:
    """What an Entra strategy that PATCHes reads: also the op casing."""
    return (BASE_QUERY, OPS, *options)


def query_string(call: VerbCall, params: Mapping[str, str] | None = None) -> str:
    """The flag first, as typed after `?` in the Tenant URL, then `+`-encoded parameters.

    docs/idp/entra.md#matching: real logs show `filter=externalId+eq+%22johnwong%22`.
    """
    parts = (
        [str(call.profile.options["base_query"])] if call.profile.options.get("base_query") else []
    )
    if params:
        parts.append(urlencode(dict(params), quote_via=quote_plus))
    return "&".join(parts)


def send(
    call: VerbCall,
    method: str,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    json_body: Any = None,
) -> Sent:
    """One request of the job; the query is written into the path so its encoding is Entra's."""
    query = query_string(call, params)
    full = f"{path}?{query}" if query else path
    return call.wire.send(method, full, headers=call.profile.headers, json_body=json_body)


DIALECTS.add("entra", Dialect(send))


def op(call: VerbCall, name: str) -> str:
    """`add`, `replace` or `remove`, in the job's casing."""
    return name.capitalize() if call.option("ops", "lowercase") == "capitalised" else name


def random_guid(call: VerbCall, salt: str) -> str:
    """A GUID no server has seen, yet the same on a replay of the item (same seed)."""
    digest = hashlib.sha256(f"{call.directory.seed}:{salt}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def object_id(name: str) -> str:
    """An Entra objectId for a directory object: a GUID, stable for the name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"entra:{name}"))
