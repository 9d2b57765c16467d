"""Settings for the intake benchmark: the real service's, with URLs that add one bare view to compare against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
