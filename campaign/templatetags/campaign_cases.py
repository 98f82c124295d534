"""The campaign's box on other apps' pages: the people we campaign for, in one line.

The petition page shows it (`{% case_summary_box petition %}`) without the petition app
knowing about cases: campaign builds on petition, never the reverse.
"""

from django import template

from campaign.models import Case

register = template.Library()


@register.inclusion_tag("campaign/cases/_summary.html")
def case_summary_box(petition):
    """In one query: the cases linked to the petition, or every public case if none is."""
    return {"case_summary": Case.objects.for_petition(petition).summary()}
