"""Canonical email addresses, so that one person cannot sign twice with variants of one mailbox."""

# Providers that ignore dots in the local part.
DOTLESS_DOMAINS = {"gmail.com"}
# Alias domains that deliver to the same mailboxes as another domain.
DOMAIN_ALIASES = {
    "googlemail.com": "gmail.com",
    # One Proton account receives at all three domains.
    "protonmail.com": "proton.me",
    "protonmail.ch": "proton.me",
    "pm.me": "proton.me",
}
# Providers that deliver "user+tag@" (or "user-tag@" for Yahoo) to "user@".
TAG_SEPARATORS = {
    "gmail.com": "+",
    "outlook.com": "+",
    "hotmail.com": "+",
    "live.com": "+",
    "icloud.com": "+",
    "me.com": "+",
    "fastmail.com": "+",
    "proton.me": "+",
    "yahoo.com": "-",
    "ymail.com": "-",
}
DEFAULT_TAG_SEPARATOR = "+"


def canonical_email(address):
    """Lower-case the address, then fold the variants the provider delivers to one mailbox."""
    local, _, domain = address.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    domain = DOMAIN_ALIASES.get(domain, domain)
    separator = TAG_SEPARATORS.get(domain, DEFAULT_TAG_SEPARATOR)
    if separator in local[1:]:
        local = local[: local.index(separator, 1)]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_domain(address):
    return address.rpartition("@")[2].lower()
