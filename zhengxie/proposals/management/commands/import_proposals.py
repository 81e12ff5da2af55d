"""``manage.py import_proposals FILE.xlsx``: earlier years' proposals from a spreadsheet, as on the import page.

Prints the preview (each row's errors and the counts); writes only with ``--commit``, as the account ``--user``
(which must hold the proposal office's role: it is recorded as the importer and in the audit trail), and then
nothing while a row is in error unless ``--skip-invalid`` is given."""

from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengxie.core.access import has_perm
from zhengxie.proposals import history_import


class Command(BaseCommand):
    help = "Import earlier years' proposals from an .xlsx file: print the preview; write with --commit."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file (the template's columns in its first row)")
        parser.add_argument("--commit", action="store_true", help="write the rows (else only the preview)")
        parser.add_argument("--skip-invalid", action="store_true", help="with --commit: skip the rows in error")
        parser.add_argument("--user", help="with --commit: the username of the proposal office's importing account")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        actor = self._actor(options["user"]) if options["commit"] else None
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                rows = history_import.read_rows(upload)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        results = history_import.check_rows(rows)
        for row in results:
            for key, messages in row.errors.items():
                header = history_import.HEADERS.get(key, "")
                where = _("第 %(line)d 行") % {"line": row.line} + (f"「{header}」" if header else "")
                for message in messages:
                    self.stdout.write(f"{where}：{message}")
        counted = Counter(r.action for r in results)
        self.stdout.write(
            _("共 %(n)d 行：新增 %(c)d 件，更新 %(u)d 件，无变化 %(k)d 件，%(e)d 行有错误。")
            % {
                "n": len(results),
                "c": counted["create"],
                "u": counted["update"],
                "k": counted["unchanged"],
                "e": counted[""],
            }
        )
        if not options["commit"]:
            self.stdout.write(_("仅预览，未写入。确认无误后加 --commit 写入。"))
            return
        try:
            counts = history_import.import_confirm(
                actor=actor, rows=rows, filename=path.name, skip_errors=options["skip_invalid"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " " + _("可加 --skip-invalid 跳过有错误的行。")) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("历史提案导入完成：新增 %(created)d 件，更新 %(updated)d 件，无变化 %(unchanged)d 件，") % counts
                + _("跳过 %(skipped)d 行。") % counts
            )
        )

    def _actor(self, username: str | None):
        if not username:
            raise CommandError(_("写入时须用 --user 指定导入人（提案委工作人员的用户名）。"))
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("没有这个用户：%(u)s") % {"u": username})
        if not has_perm(actor, history_import.PERM):
            raise CommandError(_("用户 %(u)s 不是提案委工作人员，不能导入历史提案。") % {"u": username})
        return actor
