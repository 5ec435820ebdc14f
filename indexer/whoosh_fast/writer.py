"""A Whoosh writer that files documents analysed elsewhere (the write side's internals).

Whoosh's `SegmentWriter.add_document` analyses every field and then files the results:
postings into its pool, stored values, field lengths and columns into the per-document
writer. `PreparedWriter.add_prepared` does exactly that filing for a document that
indexer.prepared analysed (in a parsing worker), so the index is the same to the byte
(tests/test_build_equivalence.py). It also keeps its postings in flat arrays in memory
instead of Whoosh's external sort of one tuple per posting, and reads each field's lengths
once at commit instead of once per posting: together they were most of `commit()`'s time.
Everything here leans on SegmentWriter's and W3PostingsWriter's internals: it is used only
when the switch is on.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator
from itertools import accumulate, islice
from typing import Any

import numpy as np
from whoosh.fields import Schema

try:
    from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
    from whoosh.writing import SegmentWriter
except ImportError:  # another Whoosh: the switch is off and nothing here is used
    W3Codec = W3PostingsWriter = None
    SegmentWriter = object

# (term bytes, weight, encoded value): one term of one field of one document.
Posting = tuple[bytes, float, bytes | None]
# (docnum, weight, encoded value): one document's entry in a term's posting list.
DocPosting = tuple[int, float, bytes | None]
BLOCK_LIMIT = 128  # postings per block of a posting list (Whoosh's own default)


class FieldPostings:
    """One field's postings in flat arrays, in the order they were filed: about 30 bytes
    each, and a new term costs one dictionary entry, not an object of its own."""

    def __init__(self) -> None:
        self.term_ids: dict[bytes, int] = {}
        self.terms = array("I")  # each posting's term id
        self.docnums = array("I")
        self.weights = array("d")  # the analyser's floats, kept exactly
        self.values = bytearray()  # every value's bytes, one after the other
        self.ends = array("Q", [0])  # where each posting's value ends in `values`
        self.extra: defaultdict[bytes, list[DocPosting]] = defaultdict(list)  # as given

    def add_document(self, docnum: int, postings: list[Posting]) -> None:
        """A new document's postings (docnums only grow, so each term's stay sorted)."""
        ids = self.term_ids
        terms, weights, values = zip(*postings, strict=True)
        self.terms.extend([ids.setdefault(term, len(ids)) for term in terms])
        self.docnums.extend(array("I", [docnum]) * len(terms))
        self.weights.extend(weights)
        start = len(self.values)
        self.values += b"".join([value or b"" for value in values])
        sizes = [len(value) if value else 0 for value in values]
        self.ends.extend(islice(accumulate(sizes, initial=start), 1, None))

    def sorted_terms(self) -> Iterator[tuple[bytes, list[int], list[float], list[bytes]]]:
        """Each term (sorted) with its (docnum, weight, value) entries in the order of
        Whoosh's sort of posting tuples: docnum, then weight, then value."""
        ids = self.term_ids
        by_term = np.argsort(np.frombuffer(self.terms, dtype=np.uint32), kind="stable")
        counts = np.bincount(np.frombuffer(self.terms, dtype=np.uint32), minlength=len(ids))
        firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        docnums = np.frombuffer(self.docnums, dtype=np.uint32)[by_term].tolist()
        weights = np.frombuffer(self.weights, dtype=np.float64)[by_term].tolist()
        ends = np.frombuffer(self.ends, dtype=np.uint64)
        value_ends = ends[1:][by_term].tolist()
        value_starts = ends[:-1][by_term].tolist()
        values = bytes(self.values)
        firsts_list, counts_list = firsts.tolist(), counts.tolist()
        for term in sorted(ids.keys() | self.extra.keys()):
            term_id = ids.get(term)
            if term_id is None:
                found_d, found_w, found_v = [], [], []
            else:
                a = firsts_list[term_id]
                b = a + counts_list[term_id]
                found_d, found_w = docnums[a:b], weights[a:b]
                found_v = [values[s:e] for s, e
                           in zip(value_starts[a:b], value_ends[a:b], strict=True)]
            extra = self.extra.get(term)
            if extra:  # merges and spelling words: sorted with the rest, as whole tuples
                entries = sorted([*zip(found_d, found_w, found_v, strict=True), *extra])
                found_d, found_w, found_v = (list(part) for part in zip(*entries, strict=True))
            yield term, found_d, found_w, found_v


class TermPool:
    """Postings by field, in memory; the parts of Whoosh's PostingPool the writer uses.

    The writer takes fields, then terms, then each term's (docnum, weight, value)
    entries in sorted order: the order of Whoosh's sort of whole posting tuples."""

    def __init__(self) -> None:
        self.fields: dict[str, FieldPostings] = {}
        self.postings = 0  # held in memory, for the builder to know when to write a segment

    def field(self, fieldname: str) -> FieldPostings:
        found = self.fields.get(fieldname)
        if found is None:
            found = self.fields[fieldname] = FieldPostings()
        return found

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting, as SegmentWriter.add_reader (segment merges) hands them over."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.field(fieldname).extra[tbytes].append((docnum, weight, vbytes))
        self.postings += 1

    def add_postings(self, fieldname: str, docnum: int, postings: list[Posting]) -> None:
        """A new document's postings of one field."""
        self.field(fieldname).add_document(docnum, postings)
        self.postings += len(postings)

    def cleanup(self) -> None:
        self.fields.clear()
        self.postings = 0


class PreparedWriter(SegmentWriter):  # type: ignore[misc, valid-type]
    """A SegmentWriter that also takes documents indexer.prepared analysed elsewhere.

    Plain `add_document` still works (it analyses here, as usual)."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPool()  # the parent made a PostingPool; nothing is in it yet

    def add_prepared(self, document: Any) -> None:
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

    def update_prepared(self, document: Any) -> None:
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
        lengths = _field_lengths(pdr, fieldname, doccount)
        fieldwriter.start_field(fieldname, schema[fieldname])
        for tbytes, docnums, weights, values in pool.fields[fieldname].sorted_terms():
            fieldwriter.start_term(tbytes)
            postwriter = getattr(fieldwriter, "_postwriter", None)
            if type(postwriter) is W3PostingsWriter:
                _add_blocks(postwriter, docnums, weights, values, lengths)
            else:
                for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                    fieldwriter.add(docnum, weight, b"" if vbytes is None else vbytes,
                                    lengths[docnum])
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _add_blocks(postwriter: W3PostingsWriter, docnums: list[int], weights: list[float],
                values: list[bytes | None], lengths: list[int | None]) -> None:
    """W3PostingsWriter.add_posting for a whole posting list: the same block buffers and
    statistics, filled a block at a time (one call per posting was a third of commit)."""
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:  # add_posting writes a full block when the next posting comes
            postwriter._write_block()
        block_docnums = docnums[start:start + limit]
        block_weights = weights[start:start + limit]
        postwriter._ids = array("I", block_docnums)
        postwriter._weights = array("f", block_weights)
        postwriter._values = [value for value in values[start:start + limit] if value]
        heaviest = max(block_weights)  # the first of equals, as add_posting's "if w > max"
        postwriter._maxweight = heaviest if heaviest > 0 else 0
        known = [n for n in map(lengths.__getitem__, block_docnums) if n]
        postwriter._minlength = min(known) if known else None
        postwriter._maxlength = max(known) if known else 0


def writing_codec() -> Any:
    """Uncompressed posting blocks: a seventh faster to write, a tenth larger on disk."""
    return W3Codec(compression=0, blocklimit=BLOCK_LIMIT)


def open_writer(ix) -> PreparedWriter:
    """The writer of a build or an update, holding the index's own lock.

    One process: on two cores Whoosh's procs=2 spends more merging than it saves."""
    return PreparedWriter(ix, codec=writing_codec())


def open_slice_writer(ix) -> PreparedWriter:
    """A writer of one segment of a full build; the build's own writer holds the lock."""
    return PreparedWriter(ix, _lk=False, codec=writing_codec())


def finish_segment(writer: PreparedWriter) -> Any | None:
    """Write out a slice writer's segment, if it has pages, and return it.

    Not `commit()`: the build's writer lists every slice's segments in one table of
    contents. Nor `_finish()`: the writers share one temporary folder, which that empties."""
    segment = writer._finalize_segment() if writer._added else None
    if segment is None:
        writer._close_segment()
    writer.is_closed = True
    return segment
