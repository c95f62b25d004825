import re

from planner import links


def test_new_token_is_43_urlsafe_characters_carrying_256_bits():
    token = links.new_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert len(links._token_bytes(token)) == 32


def test_new_tokens_differ():
    assert len({links.new_token() for _ in range(100)}) == 100


def test_hash_is_sha256_hex_and_not_the_token():
    token = links.new_token()
    digest = links.hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest


def test_token_matches_only_its_own_hash():
    token, other = links.new_token(), links.new_token()
    assert links.token_matches(token, links.hash_token(token))
    assert not links.token_matches(other, links.hash_token(token))


def test_token_matches_rejects_malformed_tokens():
    assert not links.token_matches("short", links.hash_token("short"))


def test_is_token_rejects_wrong_shapes():
    assert links.is_token(links.new_token())
    for value in ("", "a" * 42, "a" * 44, "a" * 42 + "/", None, 12):
        assert not links.is_token(value)


def test_sealed_share_token_opens_with_the_edit_token():
    share, edit = links.new_token(), links.new_token()
    sealed = links.seal_share_token(share, edit_token=edit)
    assert links.unseal_share_token(sealed, edit_token=edit) == share


def test_sealed_share_token_reveals_nothing_without_the_edit_token():
    share, edit = links.new_token(), links.new_token()
    sealed = links.seal_share_token(share, edit_token=edit)
    assert share not in sealed
    assert links.unseal_share_token(sealed, edit_token=links.new_token()) != share
