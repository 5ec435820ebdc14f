"""Private search insights: what readers search for and do not find, which results they open,
what they say about pages, and which pages are due for review.

Events are kept in one SQLite file on the editors' own machine, redacted before they are
written and rounded to the hour; nothing that identifies a reader is ever stored. The web
side records (`guide_site`); the command line reports (`lupus-guide insights`). This package
never imports the web framework."""
