"""Why each server fails what it fails: one explanation per cause, per server.

Each names the checks and scenarios it covers and a pattern of the recorded exchange (request,
status, scimType, detail, finding) that must match, so it explains nothing else. The text the
server breaks is the check's own quoted reference (RFC 7643/7644, docs/idp/, docs/robustness.md)
unless `ref` names another: the IdP's public documentation of what it really sends, for rows
where the server is RFC-conformant but refuses the IdP. Nothing here excuses scimcert: a
failure that was the harness's mistake is fixed in the harness, not explained.
"""

from __future__ import annotations

from crosscheck_explain import SETUP, Explanation, explain

ENTRA_SCIM = (
    "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/"
    "use-scim-to-provision-users-and-groups"
)
ENTRA_KNOWN_ISSUES = (
    "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/"
    "application-provisioning-config-problem-scim-compatibility"
)
VALIDATOR_CAPTURES = (
    "https://github.com/pranems/SCIMServer/blob/HEAD/docs/SCIM_VALIDATION_GAP_ANALYSIS.md"
)
ENTRA_VALIDATOR = (
    "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/scim-validator-tutorial"
)
OKTA_SCIM = "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20"
ONELOGIN_SCHEMA = "https://developers.onelogin.com/scim/define-user-schema"

# The same shapes refused by several servers, said once.
ADSCIM_WHY = """Entra's group create carries a second schema URI,
`http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`, as in Microsoft's
documented request; the server refuses it, so no group is provisioned under the `entra` and
`entra-2020` profiles (`entra-validator` and the other profiles send only the core URI and
pass). The RFC lets a server refuse a schema it does not know; Entra sends it anyway."""
ENTRA_ADD_WHY = """Entra sets a mobile number the user does not have yet with `Add` on
`phoneNumbers[type eq "mobile"].value`, in the same PATCH as its other changes; the server
refuses it, so the whole PATCH is refused and none of the changes land. RFC 7644 3.12 lists
noTarget for a path filter that matches nothing, so this is defensible; Entra sends it whenever
a mapped multi-valued entry is new."""
VALIDATOR_ROLES_WHY = """Microsoft's SCIM Validator posts `roles[].primary` as the string
`"True"` (seen in published captures of its runs; Microsoft's tutorial does not show its bodies,
so this rests on those captures); the server refuses the whole user (400 invalidValue),
which RFC 7643 2.3.2 allows, so every item of the `entra-validator` profile that first creates a
user ends in ERROR and its checks never run."""
ENTRA_STRING_BOOLEANS_WHY = """Entra's provisioning job (without the `aadOptscim062020` flag)
writes booleans as the strings `"True"`/`"False"` in PATCH (`"active": "False"` to deactivate),
a behaviour Microsoft documents; the server refuses them with 400, so a user Entra disables stays
active. RFC-correct (RFC 7643 2.3.2), and still an Entra incompatibility."""


def _scim2_server() -> tuple[Explanation, ...]:
    return (
        explain(
            "RFC",
            """`POST /Users` with no `schemas` answers 201 and creates the user. RFC 7643 3 makes
            `schemas` REQUIRED in every resource representation.""",
            cause="schemas-not-required",
            checks=["robustness-schemas-required"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "RFC",
            """`POST /Users` with `"userName": ""` answers 201 (RFC 7643 4.1.1: "Each User MUST
            include a non-empty userName value"). The other bad values of the step (a number, no
            userName, `active: "maybe"`, `name: "Bob"`) are refused with 400.""",
            cause="empty-username",
            checks=["robustness-invalid-value"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "RFC",
            """A PATCH body without `schemas` answers 204 and is applied. RFC 7644 3.5.2: the
            body "MUST contain the "schemas" attribute with the URI value of
            urn:ietf:params:scim:api:messages:2.0:PatchOp". Every other malformed PATCH
            of the scenario is refused, and the mixed good/bad PATCH atomically.""",
            cause="patch-without-schemas",
            checks=["robustness-patch-invalid"],
            scenarios=["robustness/patch"],
            did=r"^PATCH /Users/\{id\} -> 204",
        ),
        explain(
            "RFC (SHOULD)",
            """A userName holding U+0000 is stored and echoed (201). RFC 7644 7.8 has service
            providers prepare userNames with PRECIS (RFC 7613), whose IdentifierClass disallows
            control characters; the stock command skips PRECIS (`scim2-server --precis`, opt-in,
            would refuse it).""",
            cause="control-characters",
            checks=["robustness-control-characters"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "robustness",
            """A filter nested in 300 parentheses answers 200 with the right empty result: the
            parser has no depth cap. Not an RFC rule; unbounded recursion in filter parsers has
            crashed SCIM stacks, so scimcert asks for 400 invalidFilter.""",
            cause="filter-depth",
            checks=["robustness-filter-depth"],
            scenarios=["robustness/filters"],
            did=r"^GET /Users -> 200",
        ),
        explain(
            "IdP",
            ADSCIM_WHY
            + """ Here: 400 invalidSyntax "Unknown extension schemas". The
            `schema-valid` row is the same exchange: the 400 Error graded as the Group the step
            expected.""",
            ref=ENTRA_SCIM,
            cause="entra-adscim-group",
            checks=["group-created", "schema-valid"],
            scenarios=["core/groups", "entra/groups"],
            did=r"POST /Groups -> 400 invalidSyntax: Unknown extension schemas: "
            r"http://schemas\.microsoft\.com/2006/11/ResourceManagement/ADSCIM",
            profiles=["entra", "entra-2020"],
        ),
        explain(
            "IdP",
            """Entra's provisioning service sends the manager as a plain string id (`"path":
            "urn:...:enterprise:2.0:User:manager", "value": "<id>"`), and removes it with
            `replace` and `""`; the server answers 400 invalidValue ("Input should be a valid
            dictionary or instance of Manager"), so the manager is never set. RFC 7643 4.3 types
            manager as complex; the `entra-validator` profile, which sends `{"value": ...}`,
            passes.""",
            ref=f"docs/idp/entra.md#manager; {ENTRA_SCIM}",
            cause="entra-manager-string",
            checks=["entra-manager-reference", "entra-manager-removed"],
            scenarios=["entra/manager"],
            did=r"-> 400 invalidValue: .*valid dictionary or instance of M",
            profiles=["entra", "entra-2020"],
        ),
        explain(
            "IdP",
            """Microsoft's documented Example 2 create is refused: 400 invalidSyntax "Unknown
            extension schemas: urn:ietf:params:scim:schemas:extension:enterprise:2.0User" (the
            doc's URN typo). The RFC lets a server refuse an unknown URI; Entra's own example
            carries it, hence a SHOULD.""",
            ref=f"docs/idp/entra.md#create; {ENTRA_SCIM}",
            cause="entra-example-urn",
            checks=["entra-create-tolerates-nulls"],
            scenarios=["entra/create-tolerance"],
            did=r"400 invalidSyntax: Unknown extension schemas: .*enterprise:2\.0User",
        ),
        explain(
            "IdP",
            """A second group with the same displayName is created (201). RFC 7643 4.2 gives
            displayName uniqueness "none", so this is RFC-conformant; Entra's validator expects
            409 (its "Create a duplicate Group" test).""",
            ref=f"docs/idp/entra.md#groups; {ENTRA_VALIDATOR}",
            cause="group-displayname-duplicate",
            checks=["group-displayname-unique"],
            scenarios=["entra/validator/groups-create"],
            did=r"^POST /Groups -> 201",
        ),
        explain(
            "IdP",
            ENTRA_ADD_WHY
            + """ Here: 400 noTarget ("no value of 'phone_numbers' matches the
            path filter").""",
            ref=f"docs/idp/entra.md#attribute-updates; {ENTRA_SCIM}",
            cause="entra-add-new-value-path",
            checks=["entra-attribute-update"],
            scenarios=["entra/attribute-update"],
            did=r"400 noTarget: no value of 'phone_numbers' matches the path filter",
        ),
        explain(
            "IdP",
            """A PUT without `active` answers 200 with `active` gone: the server clears what a
            PUT omits, which RFC 7644 3.5.1 allows. OneLogin suspends with `"active": false` but
            sends every later update as its user template, which never carries `active`; on this
            server a suspended user's next update leaves her status unassigned, which reads as
            active (RFC 7643 4.1.1 leaves the meaning to the server): the update restores
            her.""",
            cause="onelogin-put-clears-active",
            checks=["put-keeps-active"],
            scenarios=["onelogin/update-put"],
            did=r"^PUT /Users/\{id\} -> 200; /active: expected false, got nothing",
        ),
    )


def _scimmy() -> tuple[Explanation, ...]:
    return (
        explain(
            "IdP",
            VALIDATOR_ROLES_WHY
            + """ The `user-created` and `schema-valid` rows are the
            validator's own create tests, refused the same way, and `entra-create-enterprise`
            under `entra-validator` too.""",
            ref=f"{ENTRA_VALIDATOR}; {VALIDATOR_CAPTURES}",
            cause="validator-string-primary",
            checks=[SETUP, "user-created", "schema-valid", "entra-create-enterprise"],
            scenarios=[
                "checks/deactivated-user",
                "checks/idp-user-filter",
                "core/groups",
                "core/user-filter",
                "core/user-paging",
                "core/user-put",
                "core/user-uniqueness",
                "entra/attribute-update",
                "entra/groups",
                "entra/hard-delete-recreate",
                "entra/manager",
                "entra/roles",
                "entra/soft-delete",
                "entra/validator/groups-create",
                "entra/validator/groups-filter",
                "entra/validator/groups-patch",
                "entra/validator/users-delete",
                "entra/validator/users-patch",
                "checks/user-representation",
                "entra/validator/users-create",
                "entra/match-and-create",
            ],
            did=r"POST /Users -> 400 invalidValue: Attribute 'primary' expected value type "
            r"'boolean' but found type 'string'",
            profiles=["entra-validator"],
        ),
        explain(
            "IdP",
            ENTRA_STRING_BOOLEANS_WHY
            + """ Here: 400 invalidValue "Attribute 'active' expected
            value type 'boolean' but found type 'string'"; `deactivation-keeps-user` is the GET
            after it, still `"active": true`.""",
            ref=f"docs/idp/entra.md#disable-and-re-enable; {ENTRA_KNOWN_ISSUES}",
            cause="entra-string-booleans",
            checks=["entra-soft-delete", "patch-applies", "deactivation-keeps-user"],
            scenarios=["entra/soft-delete", "checks/deactivated-user"],
            did=r"Attribute 'active' expected value type 'boolean' but found type 'string'"
            r"|^GET /Users/\{id\} -> 200; /active: expected false, got true",
            profiles=["entra"],
        ),
        explain(
            "IdP",
            """OneLogin's enterprise template posts `"active": "true"`, a string (its user
            schema maps `user.active` as text); the server refuses the user with 400
            invalidValue, RFC-correct (RFC 7643 2.3.2) and still a OneLogin
            incompatibility.""",
            ref=f"docs/idp/onelogin.md#template; {ONELOGIN_SCHEMA}",
            cause="onelogin-string-active",
            checks=["onelogin-template-accepted"],
            scenarios=["onelogin/enterprise-template"],
            did=r"Attribute 'active' expected value type 'boolean' but found type 'string'",
        ),
        explain(
            "IdP",
            ENTRA_ADD_WHY
            + """ Here: 400 noTarget ("does not match any values for 'add'
            op").""",
            ref=f"docs/idp/entra.md#attribute-updates; {ENTRA_SCIM}",
            cause="entra-add-new-value-path",
            checks=["entra-attribute-update"],
            scenarios=["entra/attribute-update"],
            did=r"400 noTarget: Filter 'phoneNumbers\[type eq \"mobile\"\]\.value' does not "
            r"match any values for 'add' op",
        ),
        explain(
            "IdP",
            """Entra's provisioning service sends the manager as a plain string id; SCIMMY
            answers 400 invalidValue ("Complex attribute 'manager' expected complex value but
            found type 'string'"), so the manager is never set or removed. RFC 7643 4.3 types
            manager as complex; the `entra-validator` profile, which sends `{"value": ...}`,
            passes.""",
            ref=f"docs/idp/entra.md#manager; {ENTRA_SCIM}",
            cause="entra-manager-string",
            checks=["entra-manager-reference", "entra-manager-removed"],
            scenarios=["entra/manager"],
            did=r"400 invalidValue: Complex attribute 'manager' expected complex value",
            profiles=["entra", "entra-2020"],
        ),
        explain(
            "IdP",
            """Entra (aadOptscim062020) adds an app role with `type`
            "WindowsAzureActiveDirectoryRole"; SCIMMY checks `roles[].type` against canonical
            values its schema lists and refuses the PATCH with 400 invalidValue ("non-canonical
            value"). RFC 7643 4.1.2 lists no canonical values for roles and RFC 7643 7 makes
            canonicalValues advisory ("MAY"), so the refusal is SCIMMY's strictness, and it
            breaks Entra's role assignment.""",
            ref=f"docs/idp/entra.md#roles; {ENTRA_SCIM}",
            cause="roles-type-canonical",
            checks=["entra-roles-ignored"],
            scenarios=["entra/roles"],
            did=r"400 invalidValue: Attribute 'type' contains non-canonical value from complex "
            r"attribute 'roles'",
        ),
        explain(
            "RFC",
            """Microsoft's documented create example (Example 2) carries `"addresses": null`; SCIMMY
            refuses the user ("Attribute 'addresses' expected to be a collection"). RFC 7643 2.5:
            "Unassigned attributes, the null value, or empty array (in the case of a multi-valued
            attribute) SHALL be considered to be equivalent in "state"", so null must read as
            no addresses.""",
            ref=f"RFC 7643 2.5; docs/idp/entra.md#create; {ENTRA_SCIM}",
            cause="entra-example-addresses",
            checks=["entra-create-tolerates-nulls"],
            scenarios=["entra/create-tolerance"],
            did=r"400 invalidValue: Attribute 'addresses' expected to be a collection",
        ),
        explain(
            "RFC",
            """`userName` is `caseExact: false` (RFC 7643 4.1.1), so `userName eq` must match
            whatever the case of the value (RFC 7644 3.4.2.2); SCIMMY compares case-sensitively
            and finds nobody for the upper-cased name Okta's SPEC test and Entra's validator
            send.""",
            cause="filter-case-sensitive",
            checks=["filter-case-insensitive"],
            scenarios=["okta/spec-test", "entra/validator/users-filter"],
            did=r"^GET /Users -> 200; /totalResults: expected the number 1, got 0",
        ),
        explain(
            "RFC",
            """Filters that break the grammar or its rules answer 200 with an empty list:
            `userName eq` with no value, `active gt true` (RFC 7644 3.4.2.2: for `gt`, "Boolean
            and Binary attributes SHALL cause a failed response (HTTP status code 400 Bad
            Request) with "scimType" of "invalidFilter""), and `userName eq "x" or "1" eq "1"`
            (`"1"` is no attribute path). RFC 7644 3.4.2.2 and 3.12 ask for 400
            invalidFilter.""",
            cause="invalid-filter-accepted",
            checks=["filter-invalid-400", "robustness-filter-invalid"],
            scenarios=["core/user-filter", "robustness/filters"],
            did=r"^GET /Users -> 200;",
        ),
        explain(
            "RFC",
            """A filter whose string value holds escaped quotes (`\\"1\\"=\\"1`) is refused with
            400 invalidFilter: SCIMMY's tokenizer ends the string at the first escaped quote.
            RFC 7644 3.4.2.2 takes compValue strings as JSON strings (RFC 7159), escapes
            included; the filter is valid and must be answered.""",
            cause="filter-escaped-quotes",
            checks=["robustness-filter-literal"],
            scenarios=["robustness/filters"],
            did=r"400 invalidFilter: Unexpected token",
        ),
        explain(
            "RFC",
            """A list that is not paginated answers `itemsPerPage: 20` (its default page size)
            with 0 or 1 resources. RFC 7644 3.4.2 defines itemsPerPage as "the number of
            resources returned in a list response page"; Okta's import reads it as such.""",
            cause="items-per-page-is-page-size",
            checks=["list-response-consistent"],
            scenarios=[
                "core/user-filter",
                "entra/test-connection",
                "okta/test-credentials",
                "robustness/paging-and-size",
            ],
            did=r"^GET /Users -> 200; `itemsPerPage` differs from the number of Resources",
        ),
        explain(
            "RFC",
            """A 201 to `POST /Users` carries no `Location` header (scimmy-routers sets none);
            RFC 7644 3.3 says the URI of the created resource SHALL be in the Location header
            and in meta.location.""",
            cause="no-location-header",
            checks=["location-matches-meta"],
            scenarios=["core/user-lifecycle"],
            did=r"^POST /Users -> 201; Location header and meta.location differ",
        ),
        explain(
            "RFC",
            """A request with a wrong token is refused with 401 but no `WWW-Authenticate`
            header; RFC 7235 3.1 requires one on every 401, and RFC 7644 2 has the service
            provider name its schemes there.""",
            cause="401-without-challenge",
            checks=["robustness-auth-refused"],
            scenarios=["robustness/auth"],
            did=r"401: Authorization failed; header WWW-Authenticate",
        ),
        explain(
            "RFC",
            """`POST /Users` without `schemas` answers 201 (RFC 7643 3 makes `schemas`
            REQUIRED), and so does one with `"userName": ""` (RFC 7643 4.1.1: "Each User MUST
            include a non-empty userName value").""",
            cause="schemas-and-empty-username-accepted",
            checks=["robustness-schemas-required", "robustness-invalid-value"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "RFC",
            """A userName holding U+0000 is stored and echoed (201); RFC 7644 7.8 has userNames
            prepared with PRECIS ("MUST be appropriately prepared"), which disallows control
            characters. Likewise two userNames
            that differ only by Unicode normalisation are both created.""",
            cause="no-precis",
            checks=["robustness-control-characters", "robustness-unicode-uniqueness"],
            scenarios=["robustness/schemas-and-values", "robustness/uniqueness"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "robustness",
            """JSON nested past any sane depth, and numbers beyond what a double holds, are
            accepted (201); a non-integer `count` is ignored (200) rather than refused; `DELETE
            /Users` (no id) answers 404 where 405 names the method. docs/robustness.md asks for
            400, 400 and 405.""",
            cause="parser-and-method-limits",
            checks=[
                "robustness-json-depth",
                "robustness-json-numbers",
                "robustness-paging-invalid",
                "robustness-method-not-allowed",
            ],
            scenarios=[
                "robustness/malformed-json",
                "robustness/paging-and-size",
                "robustness/ids-and-methods",
            ],
            did=r"^POST /Users -> 201;|^GET /Users -> 200;"
            r"|^DELETE /Users -> 404",
        ),
        explain(
            "IdP",
            """A PUT without `active` answers 200 with `active` gone (RFC 7644 3.5.1 allows
            clearing what a PUT omits); OneLogin's updates never carry `active`, so a suspended
            user's next update leaves her status unassigned, which reads as active.""",
            cause="onelogin-put-clears-active",
            checks=["put-keeps-active"],
            scenarios=["onelogin/update-put"],
            did=r"^PUT /Users/\{id\} -> 200; /active: expected false, got nothing",
        ),
    )


ENTRA_SETUP_SCENARIOS = (
    "checks/deactivated-user",
    "checks/idp-user-filter",
    "core/groups",
    "core/user-filter",
    "core/user-paging",
    "core/user-put",
    "core/user-uniqueness",
    "entra/attribute-update",
    "entra/groups",
    "entra/hard-delete-recreate",
    "entra/manager",
    "entra/roles",
    "entra/soft-delete",
    "entra/validator/groups-create",
    "entra/validator/groups-filter",
    "entra/validator/groups-patch",
    "entra/validator/users-delete",
    "entra/validator/users-patch",
)


def _django_scim2_server() -> tuple[Explanation, ...]:
    return (
        explain(
            "IdP",
            """The server has no enterprise extension and refuses any user carrying it: 400
            "validation error for User `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`
            Extra inputs are not permitted". Entra sends the extension (employeeNumber,
            department, manager) in every user it provisions with its default mappings, and
            OneLogin's enterprise template too, so under the three Entra profiles every item that
            first creates a user ends in ERROR, and the creates the checks grade are refused.
            RFC 7644 3.3 lets a server refuse what it does not support; the IdPs send it
            anyway.""",
            ref=f"docs/idp/entra.md#create; {ENTRA_SCIM}; docs/idp/onelogin.md#template",
            cause="enterprise-extension-refused",
            checks=[
                SETUP,
                "entra-create-enterprise",
                "user-created",
                "schema-valid",
                "entra-create-tolerates-nulls",
                "onelogin-template-accepted",
            ],
            scenarios=[
                *ENTRA_SETUP_SCENARIOS,
                "entra/match-and-create",
                "entra/validator/users-create",
                "checks/user-representation",
                "entra/create-tolerance",
                "onelogin/enterprise-template",
            ],
            did=r"-> 400: 1 validation error for User "
            r"`urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User` Extra in",
        ),
        explain(
            "RFC",
            """An id that is not a UUID (`GET /Users/010101...`, Okta's SPEC test and the
            unknown-id probes) and `POST /Users/.search` fall outside the package's URL patterns
            (`Users/<uuid:scim_id>`): Django answers its own HTML 404 page. RFC 7644 3.12:
            "implementers MUST return the errors in the body of the response in a JSON format";
            Okta's SPEC test reads the 404's JSON.""",
            cause="html-404",
            checks=[
                "error-body-is-scim",
                "json-media-type",
                "schema-valid",
                "okta-spec-invalid-id",
                "okta-spec-status-404",
            ],
            scenarios=[
                "core/errors",
                "okta/spec-test",
                "robustness/filters",
                "robustness/ids-and-methods",
            ],
            did=r"-> 404; (the error body is not a SCIM Error|the body is not labelled as JSON"
            r"|no JSON body to validate|the body is not JSON)",
        ),
        explain(
            "RFC",
            """A filter without a value (`userName eq`), a filter nested in 300 parentheses, a
            JSON number beyond a double's range and a PATCH setting `active` to an object each
            raise an unhandled exception: Django's HTML 500 page (the last is the mixed PATCH
            `robustness-patch-atomic` expects refused whole with 400). RFC 7644 3.4.2.2 and
            3.12 ask for 400 (invalidFilter, invalidSyntax), with a JSON error body.""",
            cause="unhandled-exceptions",
            checks=[
                "filter-invalid-400",
                "json-media-type",
                "no-server-error",
                "robustness-filter-depth",
                "robustness-json-numbers",
                "robustness-patch-atomic",
            ],
            scenarios=[
                "core/user-filter",
                "robustness/filters",
                "robustness/malformed-json",
                "robustness/patch",
            ],
            did=r"^(GET /Users|POST /Users|PATCH /Users/\{id\}) -> 500",
        ),
        explain(
            "RFC",
            """Filter attribute names and operators are matched case-sensitively: `USERNAME eq`
            is "Unknown attribute", and Ping's `username Eq "..."` lookup is refused with 400, so
            Ping creates the user a second time (409). RFC 7644 3.4.2.2: "Attribute names and
            attribute operators used in filters are case insensitive".""",
            cause="filter-names-case-sensitive",
            checks=["filter-case-insensitive", "ping-filter-expression"],
            scenarios=["core/user-filter", "ping/remove-user"],
            did=r"400 invalidFilter: Unknown attribute: USERNAME"
            r"|^POST /Users -> 409 uniqueness: User with userName",
        ),
        explain(
            "RFC",
            """`active gt true` is answered 200; RFC 7644 3.4.2.2: for `gt`, "Boolean and Binary
            attributes SHALL cause a failed response (HTTP status code 400 Bad Request) with
            "scimType" of "invalidFilter"".""",
            cause="boolean-ordering-filter",
            checks=["robustness-filter-invalid"],
            scenarios=["robustness/filters"],
            did=r"^GET /Users -> 200;",
        ),
        explain(
            "RFC",
            """`DELETE /Users/{id}` answers 204 but the user is still served (200) afterwards and
            a second DELETE answers 204 again: the package deactivates rather than deletes. RFC
            7644 3.6 allows keeping the record but "MUST return a 404 (Not Found) error code for
            all operations associated with the previously deleted resource".""",
            cause="delete-keeps-serving",
            checks=["user-deleted", "onelogin-deprovision", "robustness-delete-twice"],
            scenarios=[
                "core/user-lifecycle",
                "ping/remove-user",
                "onelogin/deprovision",
                "robustness/ids-and-methods",
            ],
            did=r"^GET /Users/\{id\} -> 200;"
            r"|^DELETE /Users/\{id\} -> 204;",
        ),
        explain(
            "RFC",
            """A 201 to `POST /Users` carries no `Location` header; RFC 7644 3.3 says the URI of
            the created resource SHALL be in the Location header and in meta.location.""",
            cause="no-location-header",
            checks=["location-matches-meta"],
            scenarios=["core/user-lifecycle"],
            did=r"^POST /Users -> 201; Location header and meta.location differ",
        ),
        explain(
            "RFC",
            """`startIndex=0` is refused with 400 ("startIndex must be >= 1"); RFC 7644 3.4.2.4:
            "A value less than 1 SHALL be interpreted as 1".""",
            cause="start-index-refused",
            checks=["robustness-paging-clamped"],
            scenarios=["robustness/paging-and-size"],
            did=r"400: startIndex must be >= 1",
        ),
        explain(
            "robustness",
            """`count` above 1000 is refused with 400 ("count must be <= 1000") rather than
            answered with a page of at most the maximum; the `list-response-consistent` and
            `schema-valid` rows grade that same 400 as the list the step asked for.""",
            cause="large-count-refused",
            checks=["robustness-page-clamped", "list-response-consistent", "schema-valid"],
            scenarios=["robustness/paging-and-size"],
            did=r"400: count must be <= 1000",
        ),
        explain(
            "IdP",
            """Okta renames a pushed group with a path-less `replace` whose value carries the
            group's own `id` beside the new displayName, as its SCIM guide shows; the server
            answers 400 "Unsupported PATCH path: id", so the rename never lands.""",
            ref=f"docs/idp/okta.md#group-push; {OKTA_SCIM}",
            cause="okta-rename-with-id",
            checks=["okta-group-rename"],
            scenarios=["okta/group-push"],
            did=r"400: Unsupported PATCH path: id",
        ),
        explain(
            "IdP",
            """A PUT without `active` answers 200 with `active: true`: the server defaults what a
            PUT omits, which RFC 7644 3.5.1 allows. OneLogin suspends with `"active": false` and
            sends every later update as its template, which never carries `active`: the update
            re-activates the suspended user.""",
            cause="onelogin-put-reactivates",
            checks=["put-keeps-active"],
            scenarios=["onelogin/update-put"],
            did=r"^PUT /Users/\{id\} -> 200; /active: expected false, got true",
        ),
        explain(
            "RFC",
            """A wrong token is refused with 401 but no `WWW-Authenticate` header (RFC 7235 3.1
            requires one on every 401; RFC 7644 2 names the schemes there).""",
            cause="401-without-challenge",
            checks=["robustness-auth-refused"],
            scenarios=["robustness/auth"],
            did=r"401: Authentication required; header WWW-Authenticate",
        ),
        explain(
            "RFC",
            """A PATCH whose path does not parse (`emails[type eq`) and one replacing the
            readOnly `id` both answer 200 (the id stays); RFC 7644 3.5.2: an operation "not
            compatible with an attribute's mutability or schema SHALL return the appropriate
            HTTP response status code and a JSON detail error response".""",
            cause="bad-patch-accepted",
            checks=["robustness-patch-invalid", "robustness-patch-readonly"],
            scenarios=["robustness/patch"],
            did=r"^PATCH /Users/\{id\} -> 200;",
        ),
        explain(
            "RFC",
            """`POST /Users` with no `schemas` answers 201; RFC 7643 3 makes `schemas` REQUIRED in
            every resource representation.""",
            cause="schemas-not-required",
            checks=["robustness-schemas-required"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "RFC",
            """userNames that differ only by case (`alice@EXAMPLE.com`) or by Unicode
            normalisation (`Jörg` composed and decomposed) are both created. RFC 7643 4.1.1:
            userName is unique and case insensitive; RFC 7644 7.8: strings tested for uniqueness
            "MUST be appropriately prepared" (PRECIS).""",
            cause="uniqueness-case-and-unicode",
            checks=["robustness-uniqueness", "robustness-unicode-uniqueness"],
            scenarios=["robustness/uniqueness"],
            did=r"^POST /Users -> 201;",
        ),
        explain(
            "RFC (SHOULD)",
            """A userName holding U+0000 is stored and echoed (201); RFC 7644 7.8 has userNames
            prepared with PRECIS, which disallows control characters.""",
            cause="control-characters",
            checks=["robustness-control-characters"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
    )


def _django_scim2() -> tuple[Explanation, ...]:
    return (
        explain(
            "RFC",
            """Every error body carries `status` as a JSON number (`"status": 404`); RFC 7644
            3.12: "status The HTTP status code expressed as a JSON string. REQUIRED." (a 409's
            detail also leaks the SQL constraint).""",
            cause="status-as-number",
            checks=["error-body-is-scim", "schema-valid"],
            scenarios=[
                "checks/deactivated-user",
                "core/errors",
                "core/groups",
                "core/user-lifecycle",
                "core/user-uniqueness",
                "entra/groups",
                "entra/hard-delete-recreate",
                "entra/soft-delete",
                "entra/validator/groups-delete",
                "entra/validator/users-create",
                "entra/validator/users-delete",
                "okta/group-push",
                "okta/spec-test",
                "onelogin/deprovision",
                "onelogin/enterprise-template",
                "ping/remove-user",
                "robustness/malformed-json",
                "robustness/media-types",
                "robustness/patch",
                "robustness/read-only",
                "robustness/schemas-and-values",
            ],
            did=r"`status` must be the HTTP status as a JSON string"
            r"|/status: expected a string, got the number",
        ),
        explain(
            "RFC",
            """A request without a valid token gets a bare 401 from the package's
            authentication check (no body), and a path outside its URL patterns
            (`/Users/..%2F..%2FServiceProviderConfig`) Django's HTML 404. RFC 7644 3.12: errors
            "MUST" be returned "in the body of the response in a JSON format"; Okta's SPEC test
            reads the 401's JSON.""",
            cause="non-json-errors",
            checks=["error-body-is-scim", "okta-spec-status-401", "json-media-type"],
            scenarios=["robustness/auth", "okta/spec-test", "robustness/ids-and-methods"],
            did=r"-> 401; (the error body is not a SCIM Error|the body is not JSON)"
            r"|-> 404; (the error body is not a SCIM Error|the body is not labelled as JSON)",
        ),
        explain(
            "RFC",
            """/ServiceProviderConfig declares `patch.supported: true`, but the stock adapters
            answer 501 Not Implemented to nearly every PATCH operation: replacing a plain
            attribute (`title`, `displayName`, `nickName`), any valuePath (`emails[type eq
            "work"].value`, `members[value eq "..."]`), the enterprise `manager`, `roles`, a
            path-less replace on a group. So Entra's and the validator's updates, member
            removals and Okta's group rename never land. RFC 7644 3.5.2 defines these operations
            for a provider that supports PATCH (RFC 7643 5: `patch.supported`).""",
            cause="patch-paths-not-implemented",
            checks=[
                "entra-attribute-update",
                "entra-manager-reference",
                "entra-manager-removed",
                "entra-members-removed",
                "entra-roles-ignored",
                "group-members-added",
                "group-members-removed",
                "patch-applies",
                "okta-group-rename",
                "robustness-patch-atomic",
                "robustness-patch-readonly",
            ],
            scenarios=[
                "entra/attribute-update",
                "entra/manager",
                "entra/groups",
                "entra/validator/groups-patch",
                "entra/roles",
                "core/groups",
                "onelogin/groups",
                "core/user-lifecycle",
                "entra/validator/users-patch",
                "okta/group-push",
                "robustness/patch",
            ],
            did=r"^PATCH /(Users|Groups)/\{id\} -> 501",
        ),
        explain(
            "RFC",
            """A Group's `members` are dropped on create and on PUT: `POST /Groups` with a member
            answers (and later serves) `"members": []`, and Okta's group push, which PUTs the
            whole member list, leaves the group empty. The server's /Schemas declares `members`
            readWrite; RFC 7644 3.5.1: for readWrite attributes "Any values provided SHALL
            replace the existing attribute values", and 3.3 creates the resource from the
            body.""",
            cause="group-members-dropped",
            checks=[
                "group-created",
                "group-members-added",
                "group-members-removed",
                "okta-group-push-now",
            ],
            scenarios=[
                "core/groups",
                "entra/validator/groups-create",
                "okta/group-push",
                "okta/group-push-link",
            ],
            did=r"^(GET|POST) /Groups(/\{id\})? -> 20[01]; /members: expected a value "
            r"(containing|of length)",
        ),
        explain(
            "IdP",
            """The server declares `filter.supported: false`, and indeed its group filter maps no
            attribute (`GroupFilterQuery.attr_map` is empty), so `displayName eq "..."` finds
            nothing, and its user filter knows neither `externalId` nor Ping's `username Eq`
            spelling. The RFC lets a server not filter; Okta, Entra and Ping look resources up
            by filter regardless, find nothing, and create them a second time (201 or 409),
            which Okta's import then counts twice.""",
            ref=(
                "docs/idp/okta.md#group-push; docs/idp/entra.md#matching; "
                "docs/idp/ping.md#filter-expression"
            ),
            cause="filters-unmapped",
            checks=[
                "group-filter",
                "okta-group-lookup",
                "okta-import-groups",
                "entra-match-existing",
                "ping-filter-expression",
            ],
            scenarios=[
                "entra/validator/groups-filter",
                "okta/group-push-link",
                "entra/match-and-create",
                "ping/remove-user",
            ],
            did=r"^GET /Groups -> 200; /totalResults: expected the number 1, got 0"
            r"|^POST /(Groups|Users) -> 201;"
            r"|IdP /import_groups/scanned: expected 1, got 2"
            r"|^POST /Users -> 409: UNIQUE constraint failed",
        ),
        explain(
            "IdP",
            """`excludedAttributes=members` is ignored: the group comes back with its
            `members`. Entra's validator asks for groups without members and checks they are
            left out.""",
            cause="excluded-attributes-ignored",
            checks=["entra-excluded-members"],
            scenarios=["entra/groups", "entra/validator/groups-filter"],
            did=r"^GET /Groups/\{id\} -> 200; /members: expected (nothing|absent)",
        ),
        explain(
            "RFC",
            """A duplicate userName is refused with 409 but no `scimType` (the detail is the
            database's "UNIQUE constraint failed"); RFC 7644 3.3: "the service provider MUST
            return HTTP status code 409 (Conflict) with a "scimType" error code of
            "uniqueness"".""",
            cause="conflict-without-uniqueness",
            checks=["username-unique"],
            scenarios=["core/user-uniqueness", "entra/validator/users-create"],
            did=r"409: UNIQUE constraint failed.*/scimType: expected \"uniqueness\"",
        ),
        explain(
            "IdP",
            ENTRA_STRING_BOOLEANS_WHY
            + """ Here: 400 ""active" should be of type "bool""; the
            GET after it still shows the user active.""",
            ref=f"docs/idp/entra.md#disable-and-re-enable; {ENTRA_KNOWN_ISSUES}",
            cause="entra-string-booleans",
            checks=["entra-soft-delete", "patch-applies", "deactivation-keeps-user"],
            scenarios=["entra/soft-delete", "checks/deactivated-user"],
            did=r'"active" should be of type "bool"'
            r"|^GET /Users/\{id\} -> 200; /active: expected false, got true",
            profiles=["entra"],
        ),
        explain(
            "IdP",
            """OneLogin's enterprise template posts `"active": "true"`, a string; the server
            refuses the user with 400, RFC-correct (RFC 7643 2.3.2) and still a OneLogin
            incompatibility.""",
            ref=f"docs/idp/onelogin.md#template; {ONELOGIN_SCHEMA}",
            cause="onelogin-string-active",
            checks=["onelogin-template-accepted"],
            scenarios=["onelogin/enterprise-template"],
            did=r'"active" should be of type "bool"',
        ),
        explain(
            "RFC",
            """Attributes the server's own /Schemas declares are silently dropped: `title` on
            PUT, `timezone` on the validator's create, the enterprise `department` on Entra's.
            RFC 7644 3.5.1: readWrite values provided in a PUT "SHALL replace the existing
            attribute values"; a schema that lists an attribute the server never keeps
            misleads every client that reads it (RFC 7643 7).""",
            cause="declared-attributes-dropped",
            checks=[
                "put-replaces",
                "onelogin-put-update",
                "user-created",
                "entra-create-enterprise",
                "entra-create-tolerates-nulls",
            ],
            scenarios=[
                "core/user-put",
                "onelogin/update-put",
                "entra/validator/users-create",
                "entra/match-and-create",
                "entra/create-tolerance",
            ],
            did=r"/(title|timezone|urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User"
            r"/department): expected .*got nothing",
        ),
        explain(
            "RFC",
            """/ResourceTypes gives `endpoint` as the full path `/scim/v2/Users`; RFC 7643 6:
            "The resource type's HTTP-addressable endpoint relative to the Base URL, e.g.,
            "/Users"".""",
            cause="endpoint-not-relative",
            checks=["discovery-resource-types"],
            scenarios=["core/discovery"],
            did=r"^GET /ResourceTypes -> 200",
        ),
        explain(
            "RFC",
            """`GET /Schemas` answers a ListResponse without `totalResults`, which RFC 7644 3.4.2
            makes REQUIRED in every list response.""",
            cause="schemas-list-without-total",
            checks=["schema-valid"],
            scenarios=["core/discovery"],
            did=r'^GET /Schemas -> 200; /totalResults: the required attribute "totalResults"',
        ),
        explain(
            "RFC",
            """Unhandled exceptions answer 500: the validator's manager as `{"value": ...}`, a
            JSON number beyond a double, `"name": "Bob"`, a PATCH path that does not parse
            (`emails[type eq`), a `remove` without a path, a JSON array where a resource belongs.
            RFC 7644 3.12 wants these refused with 400 (invalidValue, invalidSyntax,
            invalidPath, noTarget).""",
            cause="unhandled-exceptions",
            checks=[
                "no-server-error",
                "robustness-patch-invalid",
                "robustness-json-numbers",
                "robustness-malformed-json",
            ],
            scenarios=[
                "entra/manager",
                "robustness/malformed-json",
                "robustness/patch",
                "robustness/schemas-and-values",
            ],
            did=r"-> 500: Exception occurred while processing the SCIM request",
        ),
        explain(
            "RFC",
            """`"UserName"` (another case) is ignored and the user created with an empty
            userName. RFC 7643 2.1: "Attribute names are case insensitive"; 4.1.1: "Each User
            MUST include a non-empty userName value".""",
            cause="attribute-names-case",
            checks=["robustness-attribute-names-case"],
            scenarios=["robustness/schemas-and-values"],
            did=r'^POST /Users -> 201; /userName: expected .*got ""',
        ),
        explain(
            "RFC",
            """`POST /Users` without `schemas` answers 201 (RFC 7643 3 makes `schemas`
            REQUIRED); userNames that differ only by case or by Unicode normalisation are both
            created (RFC 7643 4.1.1: unique and case insensitive; RFC 7644 7.8: "MUST be
            appropriately prepared").""",
            cause="schemas-and-uniqueness",
            checks=[
                "robustness-schemas-required",
                "robustness-uniqueness",
                "robustness-unicode-uniqueness",
            ],
            scenarios=["robustness/schemas-and-values", "robustness/uniqueness"],
            did=r"^POST /Users -> 201;",
        ),
        explain(
            "RFC (SHOULD)",
            """A userName holding U+0000 (RFC 7644 7.8, PRECIS) and a userName that is the number
            123 (RFC 7643 4.1.1: a string) are stored and echoed (201).""",
            cause="bad-usernames-stored",
            checks=["robustness-control-characters", "robustness-invalid-value"],
            scenarios=["robustness/schemas-and-values"],
            did=r"^POST /Users -> 201",
        ),
        explain(
            "robustness",
            """JSON nested past any sane depth is accepted (201); `DELETE /Users` (no id) answers
            400 with a Django configuration message ("Expected view UsersView to be called with
            a URL keyword argument...") where 405 names the method.""",
            cause="parser-and-method-limits",
            checks=["robustness-json-depth", "robustness-method-not-allowed"],
            scenarios=["robustness/malformed-json", "robustness/ids-and-methods"],
            did=r"^POST /Users -> 201;|^DELETE /Users -> 400",
        ),
        explain(
            "IdP",
            """A second group with the same displayName is created (201). RFC 7643 4.2 gives
            displayName uniqueness "none"; Entra's validator expects 409.""",
            ref=f"docs/idp/entra.md#groups; {ENTRA_VALIDATOR}",
            cause="group-displayname-duplicate",
            checks=["group-displayname-unique"],
            scenarios=["entra/validator/groups-create"],
            did=r"^POST /Groups -> 201",
        ),
    )


EXPLANATIONS: dict[str, tuple[Explanation, ...]] = {
    "scim2-server": _scim2_server(),
    "scimmy": _scimmy(),
    "django-scim2-server": _django_scim2_server(),
    "django-scim2": _django_scim2(),
}
