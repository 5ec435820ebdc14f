"""Whoosh documents analysed in the parsing workers, written by one process.

Whoosh's `SegmentWriter.add_document` analyses every field (tokens, filters, stems) and
then files the results: postings into its pool, stored values, field lengths and columns
into the per-document writer. Only the filing needs the writer, so `prepare_document`
does the analysis wherever the page was parsed and `PreparedWriter.add_prepared` does
exactly the filing `add_document` would have done. The index is the same, to the byte
(tests/test_build_equivalence.py builds a guide both ways and compares them).

The writer also keeps its postings grouped by term in memory instead of Whoosh's
external sort of one tuple per posting, and reads each field's lengths once at commit
instead of once per posting: together they were most of the time `commit()` took.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.fields import Schema
from whoosh.util.text import utf8encode
from whoosh.writing import SegmentWriter

# (term bytes, weight, encoded value): one term of one field of one document.
Posting = tuple[bytes, float, bytes | None]
# (docnum, weight, encoded value): one document's entry in a term's posting list.
DocPosting = tuple[int, float, bytes | None]


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
    for name in names:
        value = document[name]
        if value is None:
            continue
        field = schema[name]
        if field.vector:
            raise NotImplementedError(f"field {name!r} has term vectors")
        postings: list[Posting] = []
        length = 0
        if field.indexed:
            boost = float(document.get(f"_{name}_boost", docboost))
            scorable = field.scorable
            for tbytes, freq, weight, vbytes in field.index(value):
                postings.append((tbytes, weight * boost, vbytes))
                if scorable:
                    length += freq
        spelling = None
        if field.separate_spelling():
            words = [utf8encode(word)[0] for word in field.spellable_words(value)]
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


class TermPostings:
    """One term's postings, packed: about 20 bytes each instead of a tuple's 200, so a big
    build holds many more of them before it must write a segment."""

    __slots__ = ("docnums", "ends", "extra", "values", "weights")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.weights = array("d")  # the analyser's floats, kept exactly
        self.values = bytearray()  # every value's bytes, one after the other
        self.ends = array("I")  # where each value ends in `values`
        self.extra: list[DocPosting] = []  # merges and spelling words, kept as given

    def append(self, docnum: int, weight: float, vbytes: bytes | None) -> None:
        self.docnums.append(docnum)
        self.weights.append(weight)
        if vbytes:
            self.values += vbytes
        self.ends.append(len(self.values))

    def entries(self) -> list[DocPosting]:
        """(docnum, weight, value) sorted as Whoosh sorts posting tuples."""
        values, ends = self.values, self.ends
        starts = [0, *ends[:-1]] if ends else []
        entries = [(d, w, bytes(values[a:b])) for d, w, a, b
                   in zip(self.docnums, self.weights, starts, ends, strict=True)]
        if self.extra:
            entries += self.extra
            entries.sort()  # packed entries come in docnum order; merges may not
        return entries


class TermPool:
    """Postings grouped by field and term, in memory; Whoosh's PostingPool interface.

    The writer sorts fields, then terms, then each term's (docnum, weight, value)
    entries, which is the order of Whoosh's sort of whole posting tuples."""

    def __init__(self) -> None:
        self.fields: dict[str, defaultdict[bytes, TermPostings]] = {}
        self.postings = 0  # held in memory, for the builder to know when to write a segment

    def terms(self, fieldname: str) -> defaultdict[bytes, TermPostings]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = defaultdict(TermPostings)
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as SegmentWriter.add_reader (segment merges) hands them over."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.terms(fieldname)[tbytes].extra.append((docnum, weight, vbytes))
        self.postings += 1

    def add_postings(self, fieldname: str, docnum: int, postings: list[Posting]) -> None:
        """A new document's postings of one field (docnums only grow, so they stay sorted)."""
        terms = self.terms(fieldname)
        for tbytes, weight, vbytes in postings:
            terms[tbytes].append(docnum, weight, vbytes)
        self.postings += len(postings)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Every posting in sorted order (for anything that still wants them one by one)."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                for docnum, weight, vbytes in terms[tbytes].entries():
                    yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        self.fields.clear()
        self.postings = 0


class PreparedWriter(SegmentWriter):
    """A SegmentWriter that also takes documents `prepare_document` analysed elsewhere.

    Plain `add_document` still works (it analyses here, as usual)."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool()  # the parent made a PostingPool; nothing is in it yet

    def add_prepared(self, document: PreparedDocument) -> None:
        """The second half of `SegmentWriter.add_document`: file the analysed fields."""
        self._check_state()
        schema = self.schema
        self._check_fields(schema, [f.name for f in document.fields])
        docnum = self.docnum
        pool = self.pool
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        for name, postings, length, spelling, stored, column in document.fields:
            field = schema[name]
            if postings:
                pool.add_postings(name, docnum, postings)
            if spelling is not None:
                spellfield, words, vbytes = spelling
                for word in words:
                    pool.add((spellfield, word, 0, 1, vbytes))  # docnum 0, as Whoosh does
            perdoc.add_field(name, field, stored, length)
            if column is not None:
                perdoc.add_column_value(name, field.column_type, column[0])
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def update_prepared(self, document: PreparedDocument) -> None:
        """`update_document` for a prepared document: drop the committed documents with
        the same unique values (the page's path), then add it."""
        if document.unique:
            with self.searcher() as searcher:
                for docnum in searcher._find_unique(list(document.unique.items())):
                    self.delete_document(docnum)
        self.add_prepared(document)

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, with the postings taken from the term pool.
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            _write_postings(self.fieldwriter, self.schema, self.pool, pdr, self.docnum)
        finally:
            if pdr:
                pdr.close()
        self.fieldwriter.close()


def _field_lengths(pdr, fieldname: str, doccount: int) -> list[int | None]:
    """Each document's length of a field as the codec reads it back (what
    FieldWriter.add_postings asks the per-document reader for, posting by posting)."""
    if pdr is None:
        return [0] * doccount
    return [pdr.doc_field_length(docnum, fieldname) for docnum in range(doccount)]


def _write_postings(fieldwriter, schema: Schema, pool: TermPool, pdr, doccount: int) -> None:
    """FieldWriter.add_postings over the term pool: the same calls in the same order."""
    for fieldname in sorted(pool.fields):
        terms = pool.fields[fieldname]
        lengths = _field_lengths(pdr, fieldname, doccount)
        fieldwriter.start_field(fieldname, schema[fieldname])
        for tbytes in sorted(terms):
            entries = terms[tbytes].entries()
            fieldwriter.start_term(tbytes)
            postwriter = getattr(fieldwriter, "_postwriter", None)
            if type(postwriter) is W3PostingsWriter:
                _add_blocks(postwriter, entries, lengths)
            else:
                for docnum, weight, vbytes in entries:
                    fieldwriter.add(docnum, weight, b"" if vbytes is None else vbytes,
                                    lengths[docnum])
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _add_blocks(postwriter: W3PostingsWriter, entries: list[DocPosting],
                lengths: list[int | None]) -> None:
    """W3PostingsWriter.add_posting for a whole posting list: the same block buffers and
    statistics, filled a block at a time (one call per posting was a third of commit)."""
    limit = postwriter._blocklimit
    for start in range(0, len(entries), limit):
        if start:  # add_posting writes a full block when the next posting comes
            postwriter._write_block()
        docnums, weights, values = zip(*entries[start:start + limit], strict=True)
        postwriter._ids = array("I", docnums)
        postwriter._weights = array("f", weights)
        postwriter._values = [value for value in values if value]
        heaviest = max(weights)  # the first of equals, as add_posting's "if w > max"
        postwriter._maxweight = heaviest if heaviest > 0 else 0
        known = [n for n in map(lengths.__getitem__, docnums) if n]
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0
