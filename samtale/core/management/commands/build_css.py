"""`manage.py build_css`: static/css/bundle.css again from the theme, Designsystemet and
static/css/samtale.css (samtale.core.css_bundle). Run it after changing samtale.css, a
template's classes or a vendored stylesheet, and commit the bundle; a test says when it
is behind."""

from typing import Any

from django.core.management.base import BaseCommand

from samtale.core.css_bundle import BUNDLE, bundle_build


class Command(BaseCommand):
    help = "Build static/css/bundle.css, the one stylesheet every page links."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only say whether the bundle is up to date."
        )

    def handle(self, **options: Any) -> None:
        text = bundle_build()
        current = BUNDLE.read_text(encoding="utf-8") if BUNDLE.exists() else ""
        if options["check"]:
            if text != current:
                self.stderr.write(f"{BUNDLE} is out of date: run manage.py build_css.")
                raise SystemExit(1)
            self.stdout.write(f"{BUNDLE} is up to date.")
            return
        BUNDLE.write_text(text, encoding="utf-8")
        self.stdout.write(f"{BUNDLE}: {len(text.encode()):,} bytes")
