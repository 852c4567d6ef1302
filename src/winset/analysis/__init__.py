"""Analyses built on the models: Monte Carlo, sensitivity, backtests, counterfactuals."""

__all__: list[str] = []
