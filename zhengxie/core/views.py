from django.shortcuts import render

from zhengxie.core.roles import Role

from .access import require, roles_of
from .selectors import home_context
from .todo import todo_for


@require(None)
def home(request):
    roles = roles_of(request.user)
    context = {
        "active_nav": "home",
        "todo_items": todo_for(request.user),
        "has_no_role": not roles,
        **home_context(user=request.user, roles=roles),
        "Role": Role,
    }
    return render(request, "core/home.html", context)
