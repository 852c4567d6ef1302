"""``python -m winset``: the command line."""

from winset.cli import main

if __name__ == "__main__":
    main()
