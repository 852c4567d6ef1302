"""Two-level negotiations (Putnam 1988): ratification paths, win-sets, the constrained outcome."""

from winset.twolevel.analyse import PathResult, TwoLevelResult, analyse
from winset.twolevel.problem import TwoLevel, build

__all__ = ["PathResult", "TwoLevel", "TwoLevelResult", "analyse", "build"]
