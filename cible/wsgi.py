import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cible.settings")
application = get_wsgi_application()
# Every view is imported as the app server's worker starts, before it takes a request: the
# first request would otherwise wait for them (a second on the benchmark's machine).
import_module(settings.ROOT_URLCONF)
