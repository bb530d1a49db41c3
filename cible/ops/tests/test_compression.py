"""Compressed answers and the static files' cache lifetime, as docs/production.md and the
shipped nginx configuration say."""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from cible.ops.static import ONE_YEAR, StaticFilesMiddleware

ROOT = Path(settings.BASE_DIR).parent
NGINX = ROOT / "deploy" / "nginx" / "cible.conf"
PRODUCTION_DOC = ROOT / "docs" / "production.md"


def test_a_page_is_gzipped_when_the_client_accepts_it(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.alice)
    url = reverse("org_home", args=[world.org.slug])
    plain = client.get(url)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count(world.org.name) >= 1
    # Django pads the gzip header by a random length (its answer to BREACH): about half.
    assert len(packed.content) < len(plain.content) / 2


def test_json_answers_are_gzipped_too(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.alice)
    response = client.get("/api/v1/openapi.json", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def test_static_files_are_cached_for_one_year_when_their_name_is_hashed(db: None) -> None:
    assert ONE_YEAR == 31_536_000
    with override_settings(WHITENOISE_IMMUTABLE_FILE_TEST=lambda path, url: True):
        response = Client().get(settings.STATIC_URL + "cible/cible.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"
    response.close()


def test_other_static_files_are_cached_for_a_minute(db: None) -> None:
    response = Client().get(settings.STATIC_URL + "cible/cible.css")
    assert response["Cache-Control"] == "max-age=60, public"
    response.close()


def test_the_settings_use_the_one_year_middleware() -> None:
    assert "cible.ops.static.StaticFilesMiddleware" in settings.MIDDLEWARE
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE
    assert issubclass(StaticFilesMiddleware, object) and StaticFilesMiddleware.FOREVER == ONE_YEAR
    # Static files are answered before the gzip middleware sees them (whitenoise sends its
    # own pre-compressed copies): it comes after whitenoise in the list.
    order = settings.MIDDLEWARE
    assert order.index("cible.ops.static.StaticFilesMiddleware") < order.index(
        "django.middleware.gzip.GZipMiddleware"
    )


def test_the_docs_and_nginx_say_what_the_code_does() -> None:
    doc = PRODUCTION_DOC.read_text()
    assert "one-year immutable cache" in doc
    assert f"max-age={ONE_YEAR}, public, immutable" in doc
    assert "BREACH" in doc
    conf = NGINX.read_text()
    active = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert re.search(r"^\s*gzip on;", active, re.MULTILINE)
    types = re.search(r"gzip_types([^;]*);", active)
    assert types is not None
    for kind in ("text/css", "application/javascript", "application/json", "image/svg+xml"):
        assert kind in types.group(1)
    assert f"max-age={ONE_YEAR}" in conf
