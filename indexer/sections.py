"""The guide's fixed sections: folder slug -> title."""

from __future__ import annotations

SECTIONS: dict[str, str] = {
    "lupus-symptoms": "Lupus Symptoms",
    "diagnosing-lupus": "Diagnosing Lupus",
    "treating-lupus": "Treating Lupus",
    "other-drugs": "Other Drugs",
    "psychological-issues": "Psychological Issues",
    "living-with-lupus": "Living with Lupus",
}

# The site's own pages (About Us, Contact Us...) live in this folder, are served at /<name>,
# and belong to no section, so they stay out of the section facet.
SITE_PAGES_FOLDER = "pages"


def section_title(slug: str) -> str:
    """The section's title; an unknown folder gets one made from its name."""
    return SECTIONS.get(slug) or slug.replace("-", " ").replace("_", " ").strip().capitalize()
