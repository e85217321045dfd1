from reference_server.tokens import new_token, token_hash, token_matches


def test_tokens_are_random_and_long() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(first) >= 40


def test_only_the_hash_is_kept_and_it_matches() -> None:
    token = new_token()
    stored = token_hash(token)
    assert token not in stored
    assert len(stored) == 64
    assert token_matches(token, stored)
    assert not token_matches(token + "x", stored)
