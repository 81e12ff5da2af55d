from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "zhengxie.opinions"
    verbose_name = "Opinion reports"

    def ready(self):
        from zhengxie.duty.services import source_links_add

        from . import actions, audit_words, permissions, search_index, selectors, todo, workflow  # noqa: F401
        from .links import instruction_links, report_links

        workflow.reads.invited = selectors.is_invited
        workflow.reads.unreported_levels = selectors.unreported_levels
        workflow.reads.unadopted_levels = selectors.unadopted_levels
        # The duty ledger links its rows to the reports (duty depends on no domain app above it).
        source_links_add("opinions.opinionreport", report_links)
        source_links_add("opinions.instruction", instruction_links)
        audit_words.register()
        search_index.register()
