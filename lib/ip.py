"""Client addresses are never stored raw: a keyed hash is enough to spot floods."""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR or, behind a trusted proxy, the right-most X-Forwarded-For entry that is
    not a trusted proxy: entries further left were written by the client and prove nothing."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for address in reversed([part.strip() for part in forwarded]):
        if address and address not in trusted:
            return address
    return remote


def network_of(ip):
    """An IPv6 host usually controls a whole /64, so IPv6 addresses are keyed by network."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def ip_hash(ip):
    network = network_of(ip)
    if not network:
        return ""
    key = settings.IP_HASH_KEY.encode()
    return hmac.new(key, network.encode(), hashlib.sha256).hexdigest()[:32]
