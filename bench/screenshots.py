"""Screenshots of Cible's main pages, in the light and the dark theme, for the README.

    make screenshots        # or: .venv/bin/python bench/screenshots.py [--out DIR]

Builds the demo organisation (`cible demo`) on a throwaway SQLite database, serves it
(`cible serve` on a free port), signs in as the demo's owner in Debian's Chromium through
Playwright, and writes 1280x800 PNGs to docs/screenshots/ (two pages at 375 px wide too).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}
PHONE_PAGES = ("check-in", "map")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url}")


def pages(env: dict[str, str]) -> tuple[list[tuple[str, str]], str, str]:
    """The pages to show, read from the demo database: (name, path) pairs, and the demo's
    e-mail and password."""
    script = """
import json
from cible.okrs.models import Level, Objective
from cible.orgs.models import Organization, Team
from cible.samples.demo import DEMO_EMAIL, DEMO_PASSWORD
from cible.accounts.models import User
org = Organization.objects.order_by("pk").first()
user = User.objects.get(email=DEMO_EMAIL)
top = Objective.objects.filter(organization=org, level=Level.COMPANY, archived_at=None)
objective = top.filter(key_results__isnull=False).order_by("cycle__start", "pk").last()
team = Team.objects.filter(organization=org, objectives__cycle=objective.cycle).first()
# The map with every company objective open, and the first team objective of each.
cycle = objective.cycle
opened = list(top.filter(cycle=cycle).order_by("position", "pk").values_list("pk", flat=True))
for pk in list(opened):
    child = Objective.objects.filter(parents=pk, children__isnull=False).order_by("pk").first()
    if child is not None and child.pk not in opened:
        opened.append(child.pk)
print(json.dumps([org.slug, user.pk, objective.pk, team.pk, cycle.pk, opened,
                  DEMO_EMAIL, DEMO_PASSWORD]))
"""
    out = subprocess.run(
        [str(BIN / "cible"), "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    answer = json.loads(out.strip().splitlines()[-1])
    slug, user, objective, team, cycle, opened, email, password = answer
    opened_ids = ",".join(str(pk) for pk in opened)
    base = f"/o/{slug}"
    return (
        [
            ("home", f"{base}/"),
            ("my-okrs", f"{base}/people/{user}/"),
            ("check-in", f"{base}/check-in/"),
            ("objective", f"{base}/objectives/{objective}/"),
            ("team", f"{base}/teams/{team}/"),
            ("map", f"{base}/map/?cycle={cycle}&open={opened_ids}"),
            ("dashboard", f"{base}/dashboard/"),
        ],
        email,
        password,
    )


def shoot(
    base_url: str, targets: list[tuple[str, str]], email: str, password: str, out: Path
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for theme in ("light", "dark"):
            for size_name, viewport in (("", DESKTOP), ("-375", PHONE)):
                context = browser.new_context(
                    base_url=base_url,
                    viewport=viewport,
                    locale="en-GB",
                    color_scheme=theme,  # type: ignore[arg-type]
                    device_scale_factor=1,
                )
                context.add_cookies([{"name": "cible_theme", "value": theme, "url": base_url}])
                page = context.new_page()
                page.goto("/accounts/login/")
                page.locator("input[name=login]").fill(email)
                page.locator("input[name=password]").fill(password)
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(lambda url: "/accounts/login/" not in url)
                for name, path in targets:
                    if size_name and name not in PHONE_PAGES:
                        continue
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    file = out / f"{name}-{theme}{size_name}.png"
                    page.screenshot(path=str(file))
                    written.append(file)
                    print(f"  {file.name}", flush=True)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cible-screenshots-") as tmp:
        env = {
            **os.environ,
            "CIBLE_DATABASE_URL": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
            "CIBLE_LOG_LEVEL": "WARNING",
        }
        cible = str(BIN / "cible")
        print("Building the demo organisation...", flush=True)
        subprocess.run([cible, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([cible, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        targets, email, password = pages(env)
        port = free_port()
        server: Any = subprocess.Popen(
            [cible, "serve", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_for(base_url + "/accounts/login/")
            print(f"Writing the screenshots to {args.out}/", flush=True)
            shoot(base_url, targets, email, password, args.out)
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
