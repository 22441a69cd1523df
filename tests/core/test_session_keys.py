"""The session cookie's serializer is kept per secret key: changing the key still ends the
sessions signed with the old one, and a fallback key still accepts them (key rotation)."""


def test_a_new_secret_key_ends_old_sessions_unless_the_old_key_is_a_fallback(app, as_participant):
    client = as_participant.client
    assert client.get("/account/profile").status_code == 200
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-rotated-secret-key-0123456789-abcdefghijkl"
    assert client.get("/account/profile").status_code == 302  # signed out: sent to sign in
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert client.get("/account/profile").status_code == 200
