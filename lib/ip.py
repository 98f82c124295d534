"""Client addresses are never stored raw: a keyed hash is enough to spot floods."""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_ip(request):
    # Behind a proxy, REMOTE_ADDR is set from X-Forwarded-For by the proxy config
    # (gunicorn forwarded_allow_ips), never trusted from the client directly.
    return request.META.get("REMOTE_ADDR", "")


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
