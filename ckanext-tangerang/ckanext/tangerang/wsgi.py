"""WSGI entry point for production servers (gunicorn, uWSGI).

``gunicorn 'ckanext.tangerang.wsgi:application'`` with ``CKAN_INI`` naming the config file. CKAN's wheel
ships no wsgi module of its own; this is the one its deployment docs describe, in three lines.
"""

from __future__ import annotations

import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI")
if not _ini:
    raise SystemExit("CKAN_INI is not set: point it at the CKAN config file, e.g. var/ckan.ini.")

application = make_app(CKANConfigLoader(_ini).get_config())
