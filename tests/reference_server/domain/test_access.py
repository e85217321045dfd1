from reference_server.domain.access import Grant, effective_access
from reference_server.domain.members import deactivate, provision, reactivate

GRANTS = [
    Grant("space", "design-system"),
    Grant("document", "Q3 plan"),
    Grant("space", "design-system"),  # the same space through a group and directly
    Grant("space", "brand"),
]


def test_effective_access_is_the_union_of_grants() -> None:
    access = effective_access(provision(), GRANTS)
    assert access.spaces == ("brand", "design-system")
    assert access.documents == ("Q3 plan",)


def test_inactive_members_have_no_effective_access() -> None:
    access = effective_access(deactivate(provision()), GRANTS)
    assert access.spaces == () and access.documents == ()


def test_reactivation_restores_the_same_access() -> None:
    before = effective_access(provision(), GRANTS)
    after = effective_access(reactivate(deactivate(provision())), GRANTS)
    assert before == after
