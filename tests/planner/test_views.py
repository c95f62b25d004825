def test_home_page_links_to_the_wizard(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/wizard/"' in response.content
    assert b"Start a plan" in response.content


def test_home_page_describes_the_api(client):
    response = client.get("/")
    for endpoint in ("POST /api/evaluate", "POST /api/plans", "GET /api/schema"):
        assert endpoint.encode() in response.content


def test_unknown_url_uses_our_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert b"Page not found" in response.content


def test_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
