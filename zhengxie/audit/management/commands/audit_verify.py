from django.core.management.base import BaseCommand, CommandError

from zhengxie.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero and name the first broken row if it does not hold."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} rows verified"))
            return
        raise CommandError(
            f"audit chain broken at row {report.first_broken_id}: {report.reason} "
            f"({report.checked} rows verified before it)"
        )
