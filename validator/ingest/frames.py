"""RawTable -> Table: the reader's codes become the frames the rules read (ingest.typing)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validator.ingest.raw import RawTable, TextFacts, text_facts
from validator.ingest.typing import cleaned_texts, frame_of, key_columns
from validator.model import Table, TypedLater, WrittenCells
from validator.spec import ReturnSpec


def _as_arrays(arrays: dict, part: RawTable, ret: str) -> tuple[np.ndarray, TextFacts]:
    """A part's texts, and their facts, as numpy arrays, made once per list (CIN tables share their
    file's list)."""
    texts = part.texts
    if id(texts) not in arrays:
        facts = part.facts or text_facts(texts, ret)
        as_arrays = TextFacts(np.array(facts.text, dtype=object), np.frombuffer(facts.flags, dtype=np.uint8),
                              np.frombuffer(facts.days, dtype=np.int32))
        arrays[id(texts)] = (texts, np.array(texts, dtype=object), as_arrays)  # the list kept alive with its id
    return arrays[id(texts)][1:]


def to_table(spec: ReturnSpec, raw: RawTable, year: str, arrays: dict, later: bool = False) -> Table:
    """The Table of a RawTable. `later`: its frame and normalisations are made when first asked for
    (model.TypedLater); what the text of each cell is (`cleaned`) is worked out now either way."""
    keys = key_columns(spec, raw.name, raw.columns)
    text_columns = [c for c in raw.columns if c not in keys]
    parts = [raw, *raw.more]  # each part's codes point into its own texts: offset them into one list
    part_texts, part_facts = zip(*[_as_arrays(arrays, p, spec.ret) for p in parts])
    offsets = np.cumsum([0] + [len(t) for t in part_texts[:-1]])
    # int32 codes: half the memory of the platform's int, kept while the table lives (raw, text())
    codes = np.concatenate([np.array([np.frombuffer(p.codes[c], dtype=np.int32) for c in text_columns], dtype=np.int32)
                            .reshape(len(text_columns), len(p.lines)) + np.int32(off) for p, off in zip(parts, offsets)],
                           axis=1)
    texts = np.concatenate(part_texts) if len(parts) > 1 else part_texts[0]
    if len(parts) == 1:
        facts = part_facts[0]
    else:
        facts = TextFacts(*(np.concatenate([getattr(f, k) for f in part_facts]) for k in ("text", "flags", "days")))
    used = np.zeros(len(texts), dtype=bool)
    used[codes.ravel()] = True
    if not used.all():  # a file-wide list (CIN), or blank rows dropped: only this table's texts
        codes = (np.cumsum(used, dtype=np.int32) - 1)[codes]
        texts = texts[used]
        facts = TextFacts(facts.text[used], facts.flags[used], facts.days[used])
    numbers = {c: _joined([p.numbers[c] for p in parts], np.int64) for c in keys}
    index = pd.RangeIndex(codes.shape[1])
    cleaned = cleaned_texts(spec, raw.name, raw.columns, numbers, codes, texts, facts)
    typed = TypedLater(lambda: frame_of(cleaned, index, numbers),
                       lambda: frame_of(cleaned, index, numbers, frame=False)[1])
    frame, normalised = (typed, None) if later else typed.build()

    position = {c: i for i, c in enumerate(text_columns)}

    def written_column(c: str) -> np.ndarray:  # every text is a str: equal to frame()[c].to_numpy()
        return numbers[c] if c in numbers else texts.take(codes[position[c]])

    def coded(c: str) -> tuple[np.ndarray, np.ndarray] | None:
        return None if c in numbers else (codes[position[c]], texts)

    written = WrittenCells(list(raw.columns), written_column, index, coded)
    return Table(name=raw.name, year=year, frame=frame, raw=written, source_file=raw.file,
                 source_line=_joined([p.lines for p in parts], np.int64),
                 source_path=None if raw.paths is None else np.array([x for p in parts for x in p.paths], dtype=object),
                 normalised=normalised, cleaned=cleaned)


def _joined(buffers: list, dtype) -> np.ndarray:
    arrays = [np.frombuffer(b, dtype=dtype) for b in buffers]
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
