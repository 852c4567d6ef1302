"""Every chart of the report, in one public module: static (matplotlib) and interactive (Plotly).

The static report draws the static forms; ``winset report --interactive`` and the web
workbench draw the interactive ones (:mod:`winset.web.charts` sends each figure's data and
layout to the browser), so a chart looks the same wherever it appears. Each chart comes in two
forms that take the same results:

=======================  ==============================  ================================
chart                    static: a matplotlib ``Figure``  interactive: a Plotly ``Figure``
=======================  ==============================  ================================
an issue's forecasts     :func:`issue_chart`              :func:`issue_figure`
trajectories by round    :func:`trajectory_chart`         :func:`trajectory_figure`
win-sets in the plane    :func:`winset_chart`             :func:`twolevel_figure`
P(agreement) per path    :func:`twolevel_draws_chart`     :func:`twolevel_draws_figure`
outcome histogram        :func:`distribution_chart`       :func:`distribution_figure`
every model's histogram  :func:`distributions_chart`      :func:`distributions_figure`
tornado (drivers)        :func:`tornado_chart`            :func:`tornado_figure`
Sobol indices            :func:`sobol_chart`              :func:`sobol_figure`
baseline and what-if     :func:`whatif_chart`             :func:`whatif_figure`
=======================  ==============================  ================================

:func:`to_svg` turns a static chart into inline SVG; :func:`to_html` turns an interactive one
into a ``<div>`` and its script, which draws once Plotly is on the page (put
:func:`plotly_script` or :func:`plotly_loader` on the page once).

>>> from winset.report import charts
>>> from winset.scenario.load import load_scenario
>>> fig = charts.issue_chart(load_scenario("eu-emissions-1994"), "lag", {"median": 7.0})
>>> charts.to_svg(fig).startswith("<svg")
True
"""

from __future__ import annotations

from winset.report.interactive import distribution_figure as distribution_figure
from winset.report.interactive import distributions_figure as distributions_figure
from winset.report.interactive import figure_html as to_html
from winset.report.interactive import issue_figure as issue_figure
from winset.report.interactive import issue_figure_html as issue_figure_html
from winset.report.interactive import plotly_loader as plotly_loader
from winset.report.interactive import plotly_script as plotly_script
from winset.report.interactive import sobol_figure as sobol_figure
from winset.report.interactive import tornado_figure as tornado_figure
from winset.report.interactive import trajectory_figure as trajectory_figure
from winset.report.interactive import twolevel_draws_figure as twolevel_draws_figure
from winset.report.interactive import twolevel_figure as twolevel_figure
from winset.report.interactive import whatif_figure as whatif_figure
from winset.report.plots import figure_to_svg as to_svg
from winset.report.plots import plot_issue as issue_chart
from winset.report.rounds import plot_trajectory as trajectory_chart
from winset.report.twolevel import plot_twolevel as winset_chart
from winset.report.twolevel import plot_twolevel_draws as twolevel_draws_chart
from winset.report.uncertainty import plot_distribution as distribution_chart
from winset.report.uncertainty import plot_distributions as distributions_chart
from winset.report.uncertainty import plot_sobol as sobol_chart
from winset.report.uncertainty import plot_tornado as tornado_chart
from winset.report.whatif import plot_whatif as whatif_chart

__all__ = [
    "distribution_chart",
    "distribution_figure",
    "distributions_chart",
    "distributions_figure",
    "issue_chart",
    "issue_figure",
    "issue_figure_html",
    "plotly_loader",
    "plotly_script",
    "sobol_chart",
    "sobol_figure",
    "to_html",
    "to_svg",
    "tornado_chart",
    "tornado_figure",
    "trajectory_chart",
    "trajectory_figure",
    "twolevel_draws_chart",
    "twolevel_draws_figure",
    "twolevel_figure",
    "whatif_chart",
    "whatif_figure",
    "winset_chart",
]
