import pytest
from django.core.cache import caches
from hypothesis import settings as hypothesis_settings

# No per-example deadline: CI machines are shared and noisy, and speed is measured in
# `make bench`, never in a timed test.
hypothesis_settings.register_profile("planner", deadline=None)
hypothesis_settings.load_profile("planner")


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests run with DEBUG off, where the manifest storage would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # Rate limits count every look-up in the database; tests that are not about them would
    # see extra queries and, in loops, 429s. tests/planner/test_ratelimit.py turns them on.
    settings.RATE_LIMIT_CREATE = None
    settings.RATE_LIMIT_LOOKUP = None


@pytest.fixture(autouse=True)
def empty_caches():
    # Each test starts with empty caches (the PDF cache is process-wide).
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # A SQLite test database in a file rather than in memory, so that tests can run real
    # server and worker processes against it (tests/planner/processes.py). PostgreSQL's test
    # database is reachable from other processes as it is.
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
