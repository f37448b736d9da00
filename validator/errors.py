"""Errors the user can fix. The CLI turns them into exit code 2 and one clear paragraph."""


class UserError(Exception):
    """Input or arguments we cannot validate: unreadable, unrecognised, ambiguous, or a bad option."""


# Where a message about our own bug sends the user.
ISSUES_URL = "the returncheck issue tracker (include the command you ran, not your data)"
