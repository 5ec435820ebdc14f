"""Whoosh documents analysed apart from the writer that files them.

Whoosh's `SegmentWriter.add_document` analyses every field (tokens, filters, stems) and
then files the results: postings into its pool, stored values, field lengths and columns
into the per-document writer. `prepare_document` does the analysis (with
indexer.analysis where it can) and indexer.whoosh_fast's `PreparedWriter.add_prepared`
does exactly the filing `add_document` would have done; a build analyses its pages in the
parsing workers this way. The index is the same, to the byte
(tests/test_build_equivalence.py builds a guide both ways and compares them). Used only
when indexer.whoosh_fast is enabled; otherwise the writer's own `add_document` runs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

from whoosh.fields import Schema
from whoosh.util.text import utf8encode

from indexer.analysis import indexer_for, spelling_for
from indexer.whoosh_fast.writer import Posting


class PreparedField(NamedTuple):
    """What `add_document` computes for one field before it touches the writer."""

    name: str
    postings: list[Posting]  # in the order field.index() gave them, boost applied
    length: int  # sum of term frequencies when the field is scorable, else 0
    spelling: tuple[str, list[bytes], bytes | None] | None  # (field, words, value bytes)
    stored: Any  # the value to store, None when the field stores nothing
    column: tuple[Any] | None  # (column value,): a column may hold None itself


class PreparedDocument(NamedTuple):
    fields: list[PreparedField]
    unique: dict[str, Any]  # values of the schema's unique fields, for update_prepared


_UNSET = object()
# Every build and update reads its own schema (new field objects, each with its analyzer
# and stemming cache), so the fast functions are kept for the last few schemas only: a
# long `lupus-guide watch` would otherwise keep every update's.
SCHEMAS_KEPT = 2
FieldFunctions = dict[str, tuple[Any, Any]]  # field name -> (index, spellable_words)
_FAST: OrderedDict[int, tuple[Schema, FieldFunctions]] = OrderedDict()  # by id(schema)


def _functions_of(schema: Schema) -> FieldFunctions:
    """The schema's fields' `index` and `spellable_words` without Whoosh's token objects
    where indexer.analysis can give exactly the same (else None: Whoosh's own are used),
    filled in as fields come."""
    known = _FAST.get(id(schema))
    if known is not None and known[0] is schema:
        _FAST.move_to_end(id(schema))
        return known[1]
    _FAST[id(schema)] = (schema, {})
    while len(_FAST) > SCHEMAS_KEPT:
        _FAST.popitem(last=False)
    return _FAST[id(schema)][1]


def cached_fields() -> int:
    """How many fields' fast functions are kept (a test counts them across updates)."""
    return sum(len(functions) for _, functions in _FAST.values())


def prepare_document(schema: Schema, document: Mapping[str, Any]) -> PreparedDocument:
    """Analyse a document as `SegmentWriter.add_document` (Whoosh 2.7.4) would, field by
    field in the same (sorted) order, without a writer; picklable, for a worker process."""
    docboost = float(document.get("_boost", 1.0))
    names = sorted(name for name in document if not name.startswith("_"))
    missing = [name for name in names if name not in schema]
    if missing:
        raise ValueError(f"no field named {missing[0]!r} in the schema")
    prepared: list[PreparedField] = []
    # add_document files spelling words with the value bytes of the last posting it
    # added, from whichever field that was: one variable across fields, as there.
    vbytes: Any = _UNSET
    functions = _functions_of(schema)
    for name in names:
        value = document[name]
        if value is None:
            continue
        field = schema[name]
        if field.vector:
            raise NotImplementedError(f"field {name!r} has term vectors")
        postings: list[Posting] = []
        length = 0
        known = functions.get(name)
        if known is None:
            known = functions[name] = (indexer_for(field), spelling_for(field))
        fast_index, fast_spelling = known
        text = isinstance(value, str)
        if field.indexed:
            boost = float(document.get(f"_{name}_boost", docboost))
            scorable = field.scorable
            terms = fast_index(value) if fast_index and text else field.index(value)
            for tbytes, freq, weight, vbytes in terms:
                postings.append((tbytes, weight * boost, vbytes))
                if scorable:
                    length += freq
        spelling = None
        if field.separate_spelling():
            spellable = (fast_spelling(value) if fast_spelling and text
                         else field.spellable_words(value))
            words = [utf8encode(word)[0] for word in spellable]
            if words and vbytes is _UNSET:
                raise ValueError(f"spelling words for {name!r} before any posting")
            spelling = (field.spelling_fieldname(name), words, None if not words else vbytes)
        custom = document.get(f"_stored_{name}", value)
        column = None
        if field.column_type and custom is not None:
            column = (field.to_column_value(custom),)
        stored = custom if field.stored else None
        prepared.append(PreparedField(name, postings, length, spelling, stored, column))
    unique = {name: document[name] for name, field in schema.items()
              if name in document and field.unique}
    return PreparedDocument(prepared, unique)
