"""Load the demo data: organizations and users, then each app's own demo data, in order."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo as accounts_demo

# Each app that has demo data exposes ``<app>.demo.seed(*, stdout)``, idempotent and
# deterministic; they run in this order because later ones build on earlier ones.
DEMO_APPS = ["students", "incidents", "appeals", "notifications"]


class Command(BaseCommand):
    help = "Create or refresh the demo data (deterministic; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-sign-ins", action="store_true", help="Do not print the demo sign-ins."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data although DEBUG is off (a throwaway database only).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            # The demo accounts share a published password, a CDE administrator among them.
            raise CommandError(
                "seed_demo creates demo accounts with a published password and runs only with "
                "DEBUG on. On a throwaway database, add --force."
            )
        accounts_demo.seed(stdout=self.stdout)
        for app in DEMO_APPS:
            if find_spec(f"{app}.demo") is not None:
                import_module(f"{app}.demo").seed(stdout=self.stdout)
        if not options["quiet_sign_ins"]:
            self.stdout.write(accounts_demo.sign_in_table())
