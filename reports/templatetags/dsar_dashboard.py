"""``{% dsar_dashboard %}``: the DPO's dashboard, rendered into the admin index
(templates/admin/index.html) for staff allowed to see it."""

from django import template

from .. import views

register = template.Library()


@register.inclusion_tag("admin/reports/dashboard.html", takes_context=True)
def dsar_dashboard(context):
    request = context["request"]
    if not views.can_see_dashboard(request.user):
        return {"show_dashboard": False}
    return {"show_dashboard": True, **views.dashboard_context(request)}
