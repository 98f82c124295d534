import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from lib.edge_cache import EdgeCache  # noqa: E402 - needs the settings configured above
from lib.warm_up import warm_up  # noqa: E402

warm_up()  # in gunicorn's master (preload_app), so every worker starts warm

# The public copy of pages, served from the cache before Django (lib/edge_cache.py).
application = EdgeCache(django_application)
