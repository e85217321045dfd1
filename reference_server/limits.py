"""The limits the server enforces, and advertises where SCIM gives them a place."""

from __future__ import annotations

from dataclasses import dataclass

from .scim.nesting import MAX_DEPTH

# One string attribute value (userName, displayName, an email...): far above any real value.
MAX_STRING_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 1_048_576
    max_json_depth: int = 32
    max_filter_length: int = 4096
    max_filter_depth: int = MAX_DEPTH
    max_string_length: int = MAX_STRING_LENGTH
    max_operations: int = 1000
    # /Bulk (RFC 7644 3.7.4), advertised in /ServiceProviderConfig; below max_body_bytes, so that
    # the bulk limit is what a larger bulk request meets.
    max_bulk_operations: int = 1000
    max_bulk_payload: int = 524_288
    # At least 100: Okta pages by 100 and advances startIndex by what it asked for
    # (docs/idp/okta.md#import).
    max_results: int = 200
    # RFC 9865 4: the minimum number of seconds a cursor stays valid between page requests
    # (`scimcert serve --cursor-timeout`, short in tests that watch one expire).
    cursor_timeout: int = 600
