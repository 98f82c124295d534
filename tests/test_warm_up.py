"""lib/warm_up.py: what gunicorn's master loads before it forks, so no worker starts cold."""

import sys

import pytest
from django.template import engines
from django.utils import translation
from django.utils.translation import trans_real

from lib.warm_up import warm_up


@pytest.fixture
def cold(monkeypatch):
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        loader.reset()
    monkeypatch.setattr(trans_real, "_translations", {})
    return engine


def cached_templates(engine):
    return {name for loader in engine.template_loaders for name in loader.get_template_cache}


@pytest.mark.django_db
def test_warm_up_compiles_the_templates_and_loads_every_language(
    cold, settings, django_assert_num_queries
):
    assert "petition/detail.html" not in cached_templates(cold)
    with django_assert_num_queries(0):  # no connection may be opened before the fork
        warm_up()
    cached = cached_templates(cold)
    for name in ("petition/detail.html", "petition/_sign_form.html", "base.html", "500.html"):
        assert name in cached
    assert {code for code, _name in settings.LANGUAGES} <= set(trans_real._translations)
    assert "petition.views" in sys.modules
    with translation.override("fr"):
        assert translation.gettext("Sign") != ""
