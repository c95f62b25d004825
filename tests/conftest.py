import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests run with DEBUG off, where the manifest storage would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
