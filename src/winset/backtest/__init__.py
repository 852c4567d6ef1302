"""Backtests: the models scored on recorded outcomes of real decisions (DEU data)."""
