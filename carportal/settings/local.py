"""Settings for a developer's machine: `make run` uses these."""

from carportal.settings.base import *  # noqa: F403
from carportal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
# A fixed key is acceptable only here: sessions on a laptop protect nothing of value.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
