from django.core.management.base import BaseCommand, CommandError

from zhengxie.search import registry, services


class Command(BaseCommand):
    help = "Empties and refills the search index from the texts of every registered kind (or the kinds named)."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="kinds to rebuild (default: all)")

    def handle(self, *args, kinds, **options):
        known = {s.kind for s in registry.sources()}
        unknown = sorted(set(kinds) - known)
        if unknown:
            raise CommandError(f"unknown kind(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        written = services.rebuild(
            kinds=kinds or None,
            log_to=lambda kind, n: self.stdout.write(f"{kind}: {n} entries"),
        )
        self.stdout.write(self.style.SUCCESS(f"search index rebuilt: {sum(written.values())} entries"))
