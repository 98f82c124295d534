import pytest


@pytest.fixture
def max_queries(django_assert_max_num_queries):
    return django_assert_max_num_queries
