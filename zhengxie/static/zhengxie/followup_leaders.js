/* Charts of the leaders' follow-up page: recommendations by state, by source and by department. The data comes
   from the JSON element #followup-data written by the page; the drawing is shared (zx-charts.js). */
(function () {
  "use strict";

  var charts = window.ZxCharts;
  if (!charts) {
    return;
  }

  function units(d) {
    return charts.unitBars(d, ["#475569", "#059669", "#9b1c1c"]);
  }

  charts.mount("followup-data", { state: charts.pie, source: charts.pie, units: units }, function (key, entry) {
    return key === "units" ? charts.unitBarsHeight(entry) : 300;
  });
})();
