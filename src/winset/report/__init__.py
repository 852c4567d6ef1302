"""Tables for the terminal, plots and the self-contained HTML report."""
