"""SSDA903 rules (children looked after). Modules group rules by what they read."""

from functools import partial

from validator.registry import rule as _rule

rule = partial(_rule, "ssda903")
