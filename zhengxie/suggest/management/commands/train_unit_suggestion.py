from django.core.management.base import BaseCommand

from zhengxie.suggest import services


class Command(BaseCommand):
    help = "Train the unit suggestion model (智能交办) from every past lead or sole assignment."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="train even when no assignment came since the last")

    def handle(self, *args, force=False, **options):
        result = services.train_model(force=force)
        if result["trained"]:
            validation = result["validation"]
            self.stdout.write(f"trained version {result['version']} on {result['proposals']} proposals")
            if validation.get("validated"):
                self.stdout.write(
                    f"held-out {validation['year']}: top-1 {validation['top1']:.1%}, top-3 {validation['top3']:.1%} "
                    f"({validation['cases']} proposals)"
                )
        elif result["proposals"] == 0:
            self.stdout.write("no past assignments to learn from; nothing trained")
        else:
            self.stdout.write(f"no new assignments since version {result['version']}; nothing to do")
