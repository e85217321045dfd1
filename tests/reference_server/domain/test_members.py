from reference_server.domain.members import (
    MemberState,
    Role,
    deactivate,
    delete,
    provision,
    reactivate,
    set_activity,
    set_role,
)


def test_provisioned_members_start_as_member_in_the_team() -> None:
    state = provision()
    assert state == MemberState(role=Role.MEMBER, active=True)
    assert state.in_team and state.can_sign_in


def test_provisioning_inactive_keeps_them_out() -> None:
    assert not provision(active=False).in_team


def test_deactivation_keeps_the_role_but_blocks_sign_in() -> None:
    state = deactivate(set_role(provision(), Role.ADMIN))
    assert state.role is Role.ADMIN
    assert not state.in_team and not state.can_sign_in


def test_reactivation_resets_the_role_to_member() -> None:
    state = reactivate(deactivate(set_role(provision(), Role.OWNER)))
    assert state == MemberState(role=Role.MEMBER, active=True)


def test_unchanged_activity_is_not_a_transition() -> None:
    admin = set_role(provision(), Role.ADMIN)
    assert set_activity(admin, True) is admin
    inactive = deactivate(admin)
    assert set_activity(inactive, False) is inactive


def test_set_activity_dispatches_to_the_named_transitions() -> None:
    admin = set_role(provision(), Role.ADMIN)
    assert set_activity(admin, False) == deactivate(admin)
    assert set_activity(deactivate(admin), True) == reactivate(deactivate(admin))


def test_deleted_members_are_out_for_good() -> None:
    state = delete(provision())
    assert state.deleted and not state.in_team and not state.can_sign_in
