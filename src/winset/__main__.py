"""``python -m winset``: the same as the ``winset`` command."""

from winset.cli import main

main()
