"""Markdown written by moderators, rendered to HTML that is safe to show."""

import functools

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h2",
    "h3",
    "h4",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@functools.lru_cache(maxsize=256)
def render_markdown(text):
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
