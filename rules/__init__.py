"""DfE's validation rules: rules/ssda903/ and rules/cin/, one module per group of related rules.

Find a rule by its DfE code: `grep -rn '"CODE"' rules/` or `returncheck explain CODE`.
DfE's wording, fields and years for every code are in rules/<return>/data/rules.csv.
"""
