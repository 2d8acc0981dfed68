"""Template tags of the letter layout (templates/letters/base.html)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Collapsed to one line: the subject of a letter is built from includes that end in
        # newlines, and the PDF's title must read as the line printed under "Betreft".
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}`` renders its content once (a block of a
    child template included) into the variable ``name`` and prints nothing. The letters use it
    to print the subject line twice, as the document's title and as the heading, from the one
    ``subject`` block each letter fills in."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
