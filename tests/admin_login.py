"""Logging a member of staff into the admin in tests."""


def login_verified(client, user):
    """Log `user` in as the admin requires (with a verified second factor, once there is one)."""
    client.force_login(user)
    return client
