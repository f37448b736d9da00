"""returncheck: check SSDA903 and CIN census returns against DfE's rules before upload."""

__version__ = "0.1.0"
