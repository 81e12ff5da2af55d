from django.core.management.base import BaseCommand

from zhengxie.similarity.services import rebuild


class Command(BaseCommand):
    help = "Rebuild the similar-proposals index (提案查重) from every proposal's title and text."

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"similarity index: {count} proposals")
