"""The HTML report: self-contained, escaped, every view present, masking works."""

import re

from reports.html import anchor, render
from validator.engine import run
from validator.findings import findings_table
from validator.mask import Masker
from tests.helpers import make_903


def _report(masker=None, child="1"):
    r = make_903({
        "Header": [{"CHILD": child, "SEX": "<script>alert(1)</script>", "DOB": "01/01/2015", "ETHNIC": "WBRI", "UPN": "UN1"}],
        "Episodes": [{"CHILD": child, "DECOM": "01/05/2024", "RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "ZZ", "PLACE_PROVIDER": "PR1"}],
    })
    result = run(r, select=["101,146"])
    return render(result, findings_table(result), 0.1, masker)


def test_self_contained_and_escaped():
    page = _report()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r'(src|href)=["\']?(https?:)?//', page)  # no external resource of any kind
    assert "@import" not in page and "url(" not in page


def test_views_and_stable_anchors():
    page = _report(child="A 1")
    assert "2 errors and 0 queries across 1 child" in page and "not ready to submit" in page
    for section in ('id="rules"', 'id="children"', 'id="tables"', 'id="child-views"', 'id="rule-101"', 'id="rule-146"'):
        assert section in page
    assert anchor("child", "A 1") == "child-A_201" and f'id="{anchor("child", "A 1")}"' in page
    # the failing cells of the child grid say which rule, not only by colour
    assert re.search(r'<td class="bad">ZZ<span class="mark">✖ 146</span></td>', page)


def test_mask_replaces_child_ids_everywhere():
    m = Masker("fixed-key")
    page = _report(masker=m, child="SECRET99")
    assert "SECRET99" not in page and m.pseudonym("SECRET99") in page
    assert m.pseudonym("SECRET99") == Masker("fixed-key").pseudonym("SECRET99")  # stable with a key
    assert m.value("DOB", "01/02/2015") == "**/**/2015"


def test_finding_values_are_shown_as_field_equals_value():
    page = _report()
    assert "PLACE = ZZ" in page and "built-in method" not in page
