"""The read side: a search over one published generation of the index -> results.

Query text is parsed (`query`), corrected (`spelling`), expanded (`synonyms`), planned into
Whoosh queries (`results`), scored and matched on whole arrays and bitmasks (`scores`,
`masks`), counted into facets (`facets`) and cut into snippets (`snippets`); urgent help is
matched apart (`safety`), and suggestions are made from the same search (`suggest`).
`generation` opens a generation and keeps its caches. Nothing here imports the web
framework: the site (`guide_site`) calls in, and this package calls the indexer's schema.
"""
