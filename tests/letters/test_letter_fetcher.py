"""WeasyPrint's URL fetcher loads only the letters' own static files (and the logo the
renderer itself allows): no network, no file outside them, no data: URLs. Tested on the
fetcher directly and through a render."""

import http.server
import threading

import pytest
from django.conf import settings

from letters import rendering

STATIC = rendering.STATIC_BASE


@pytest.mark.parametrize(
    "name",
    ["letters/letter.css", "letters/fonts/DejaVuSans.ttf", "letters/fonts/DejaVuSans-Bold.ttf"],
)
def test_it_serves_the_letters_static_files(name):
    response = rendering.fetch(STATIC + name)

    body = response.read()
    response.close()
    assert len(body) > 1000
    assert response.content_type in ("text/css", "font/ttf")


OUR_STYLESHEET = settings.BASE_DIR / "static" / "letters" / "letter.css"

REFUSED = [
    "http://example.org/x.css",
    "https://example.org/x.css",
    "https://letters.invalid.example.org/static/letters/letter.css",
    "ftp://example.org/x.css",
    "file:///etc/passwd",
    "file:///etc/hostname",
    OUR_STYLESHEET.as_uri(),  # even a static file: only through the letters' own URLs
    "data:text/css,body{color:red}",
    "data:image/png;base64,iVBORw0KGgo=",
    "javascript:alert(1)",
    STATIC + "../../../etc/passwd",
    STATIC + "letters/../../etc/passwd",
    STATIC + "letters/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    STATIC + "letters/..%2f..%2f..%2fetc%2fpasswd",
    STATIC + "letters//etc/passwd",
    STATIC + "letters/fonts/LICENSE.txt",  # not a type a letter loads
    STATIC + "letters/nothing-here.css",
    STATIC + "admin/css/base.css",  # a static file, but not one of the letters'
    STATIC + "letters/letter.css?x=1",
    STATIC + "letters/letter.css\x00.png",
    rendering.LOGO_BASE + "1/logo.png",  # the logo only when the renderer allows it
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_everything_else(url):
    with pytest.raises(rendering.FetchRefused):
        rendering.fetch(url)


def test_it_refuses_a_symlink_out_of_the_static_files(settings, tmp_path):
    static = tmp_path / "static"
    (static / "letters").mkdir(parents=True)
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    (static / "letters" / "evil.css").symlink_to(secret)
    settings.STATICFILES_DIRS = [static]

    with pytest.raises(rendering.FetchRefused):
        rendering.fetch(STATIC + "letters/evil.css")


def test_it_serves_a_private_file_only_when_the_renderer_allows_it(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    url = rendering.LOGO_BASE + "1/logo.png"

    response = rendering.fetch(url, allowed={url: logo})

    assert response.read().startswith(b"\x89PNG")
    response.close()
    with pytest.raises(rendering.FetchRefused):
        rendering.fetch(rendering.LOGO_BASE + "1/other.png", allowed={url: logo})


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_a_render_loads_nothing_from_the_network_or_the_disk(local_server):
    base, hits = local_server
    html = f"""<!DOCTYPE html><html><head>
    <link rel="stylesheet" href="{base}/x.css">
    <style>@import url("{base}/imported.css"); body {{ background: url("{base}/bg.png") }}</style>
    </head><body>
    <img src="file:///etc/passwd">
    <img src="{base}/pixel.png">
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
    <object data="file:///etc/hostname"></object>
    <p>Hallo</p>
    </body></html>"""

    with pytest.raises(rendering.LetterRenderError):
        rendering.html_to_pdf(html)

    assert hits == []


def test_a_render_of_our_own_style_sheet_is_allowed():
    html = (
        f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{STATIC}letters/letter.css">'
        "</head><body><p>Hallo</p></body></html>"
    )

    assert rendering.html_to_pdf(html).startswith(b"%PDF-")
