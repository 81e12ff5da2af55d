from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "zhengxie.proposals"
    verbose_name = "Proposals"

    def ready(self):
        from zhengxie.duty.services import source_links_add

        from . import (  # noqa: F401
            audit_words,
            permissions,
            search_index,
            selectors,
            similarity_source,
            suggest_source,
            todo,
            workflow,
        )
        from .links import proposal_links

        workflow.reads.facts_of = selectors.facts_of
        workflow.reads.replies_awaiting_evaluation = selectors.replies_awaiting_evaluation

        # The duty ledger links its rows to their proposals through this (duty depends on no domain app above it).
        source_links_add("proposals.proposal", proposal_links)
        # The audit page words the values only this app can read (units with their ways of handling).
        audit_words.register()
        # The search finds proposals and replies (the search sits below the domain apps and is told of them).
        search_index.register()
        # The similar proposals are found among theirs (the similarity index sits below, like the search).
        similarity_source.register()
        # The unit suggestion learns from the past assignments (it sits below the domain apps and is told of them).
        suggest_source.register()
