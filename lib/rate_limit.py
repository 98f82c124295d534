"""Rate limits on public views, per network: against harvesting lists and flooding forms.

Counted in the cache per keyed hash of the network (lib.ip), never a raw address; a cache
that is down counts every request as the first, so an outage never locks anyone out.
"""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import render

from lib.counters import count_hits
from lib.ip import client_ip, ip_hash


def too_many_requests(request, retry_after):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope, *, limit_setting, window=60, methods=None):
    """Answer 429 once one network (by IP hash) made more than settings.<limit_setting>
    requests to this view in `window` seconds; `methods` limits which requests count."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                network = ip_hash(client_ip(request)) or "unknown"
                bucket = int(time.time()) // window
                key = f"protection:rate:{scope}:{network}:{bucket}"
                if count_hits({key: window})[key] > getattr(settings, limit_setting):
                    return too_many_requests(request, window - int(time.time()) % window)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
