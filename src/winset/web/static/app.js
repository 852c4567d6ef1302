/* winset workbench: draws the charts from their JSON specs (data-spec), keeps slider labels current,
   filters the what-if table. No inline script is ever used (the pages' CSP forbids it). */
(function () {
  "use strict";

  function renderCharts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var charts = Array.prototype.slice.call(scope.querySelectorAll("div.chart[data-spec]"));
    if (scope.matches && scope.matches("div.chart[data-spec]")) { charts.push(scope); }
    charts.forEach(function (target) {
      if (target.getAttribute("data-done") || !window.Plotly) { return; }
      target.setAttribute("data-done", "1");
      var spec;
      try { spec = JSON.parse(target.getAttribute("data-spec")); } catch (e) { return; }
      var config = { responsive: true, displaylogo: false };
      var layout = spec.layout || {};
      fitTitle(layout, target.clientWidth);
      window.Plotly.newPlot(target, spec.data || [], layout, config).then(function () {
        target.setAttribute("data-drawn", "1");
      });
    });
  }

  /* A title too long for a narrow chart is broken over two lines at a space, clear of the
     tool bar at the top right, and the top margin grows to hold the second line. */
  function fitTitle(layout, width) {
    var title = layout.title;
    var text = title && (typeof title === "string" ? title : title.text);
    if (!text || !width || text.indexOf("<br>") >= 0) { return; }
    var size = (title.font && title.font.size) || ((layout.font && layout.font.size) || 12) * 1.4;
    var fits = Math.floor((width - 260) / (size * 0.62));  /* the tool bar takes ~250 px */
    if (fits < 20 || text.length <= fits) { return; }
    var cut = text.lastIndexOf(" ", fits);
    if (cut < fits / 2) { return; }
    var two = text.slice(0, cut) + "<br>" + text.slice(cut + 1);
    layout.title = typeof title === "string" ? { text: two } : Object.assign({}, title, { text: two });
    var margin = Object.assign({}, layout.margin || {});
    margin.t = (margin.t || 50) + Math.round(size * 1.4);
    layout.margin = margin;
  }

  function formatted(value) {
    var x = Number(value);
    if (!isFinite(x)) { return String(value); }
    var size = Math.abs(x);
    var digits = size >= 1000 ? 0 : size >= 100 ? 1 : size >= 1 ? 2 : 3;
    return x.toLocaleString("en-US", { maximumFractionDigits: digits });
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("input[type=range]")) {
      var out = el.parentElement && el.parentElement.querySelector("output");
      if (out) { out.textContent = formatted(el.value); }
      var changed = String(Number(el.value)) !== String(Number(el.getAttribute("data-base")));
      el.parentElement.classList.toggle("moved", changed);
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.id === "focus") {
      document.querySelectorAll("tr[data-actor]").forEach(function (row) {
        row.hidden = !!el.value && row.getAttribute("data-actor") !== el.value;
      });
    }
  });

  document.addEventListener("toggle", function (event) {
    // a chart drawn while its <details> was closed has no width: size it when it opens
    if (event.target.open && window.Plotly) {
      event.target.querySelectorAll("div.chart[data-drawn]").forEach(function (el) {
        window.Plotly.Plots.resize(el);
      });
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });
  document.addEventListener("htmx:oobAfterSwap", function (event) { renderCharts(event.target); });

  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "notice";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    var text = "The server answered " + event.detail.xhr.status;
    try {
      var body = JSON.parse(event.detail.xhr.responseText);
      if (body && body.detail) { text += ": " + body.detail; }
    } catch (e) { /* not JSON */ }
    box.textContent = text;
    box.hidden = false;
    window.setTimeout(function () { box.hidden = true; }, 8000);
  });
})();
