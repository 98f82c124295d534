import pytest


@pytest.mark.django_db
def test_favicon_ico_points_at_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_away_from_personal_links(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for prefix in ("/confirm/", "/not-me/", "/manage/", "/unsubscribe/"):
        assert f"Disallow: {prefix}" in body
    # The admin's address is not advertised.
    assert "admin" not in body
