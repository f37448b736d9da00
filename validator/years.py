"""Collection years: '2024/25' is 1 April 2024 to 31 March 2025 inclusive."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from validator.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

SUPPORTED = ("2022/23", "2023/24", "2024/25", "2025/26", "2026/27")


class CollectionYear(NamedTuple):  # immutable, ordered, hashable (a NamedTuple: quicker to define than a dataclass)
    start_year: int  # 2024 for 2024/25

    @classmethod
    def parse(cls, text: str) -> "CollectionYear":
        """Accept '2024/25', '2024-25', '2024/2025', or the end year alone ('2025')."""
        t = str(text).strip()
        m = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", t)
        if m:
            start, end = int(m.group(1)), int(m.group(2)[-2:])
            if (start + 1) % 100 != end:
                raise UserError(f"Collection year '{text}' is not two consecutive years; write it like 2024/25.")
            return cls(start)
        if re.fullmatch(r"\d{4}", t):
            return cls(int(t) - 1)
        raise UserError(f"Collection year '{text}' is not understood; write it like 2024/25.")

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> pd.Timestamp:
        """1 April: first day of the collection year."""
        import pandas as pd  # not at the top: the readers import this module, and run without pandas

        return pd.Timestamp(self.start_year, 4, 1)

    @property
    def end(self) -> pd.Timestamp:
        """31 March: last day of the collection year (the CIN ReferenceDate)."""
        import pandas as pd

        return pd.Timestamp(self.start_year + 1, 3, 31)

    @property
    def previous(self) -> "CollectionYear":
        return CollectionYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


def year_in(label: str, from_year: str, to_year: str) -> bool:
    """True when `label` lies in [from_year, to_year]; blank bounds are open."""
    return (not from_year or from_year <= label) and (not to_year or label <= to_year)
