"""What a reader hands back: one table's cells as written, with where each row came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class RawTable:
    name: str
    cells: pd.DataFrame  # text as written ('' when absent); index 0..n-1 in input order
    lines: np.ndarray  # 1-based line of each row
    file: str
    paths: np.ndarray | None = None  # XML element path of each row
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    """Everything one input file gave: its tables, and for XML the return it declares."""

    ret: str  # ssda903 | cin
    tables: list[RawTable]
    header: dict[str, str] = field(default_factory=dict)  # CIN header items
    notes: list[str] = field(default_factory=list)
