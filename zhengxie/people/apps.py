from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zhengxie.people"
    verbose_name = "People and organisation"

    def ready(self):
        # The layers below read this app's data through what it registers here (docs/decisions.md, import
        # contracts): who a user is (roles, units), the home page's figures, the page frame's committee name.
        from zhengxie.core.access import set_role_reader
        from zhengxie.core.context_processors import register_shell_provider
        from zhengxie.core.selectors import register_home_provider

        from . import permissions  # noqa: F401
        from .principal import compute_roles
        from .selectors import home_figures, page_shell

        set_role_reader(compute_roles)
        register_home_provider(home_figures)
        register_shell_provider(page_shell)
