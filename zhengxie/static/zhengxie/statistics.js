/* Charts of the proposal statistics page. The data comes from the JSON element #statistics-data written by the
   page; every point carries the URL of the proposals behind it. The drawing is shared (zx-charts.js). */
(function () {
  "use strict";

  var charts = window.ZxCharts;
  if (!charts) {
    return;
  }

  function bars(points) {
    return charts.bars(points, { rotateAbove: 6, barMaxWidth: 36 });
  }

  function units(d) {
    return charts.unitBars(d, ["#475569", "#2563eb", "#059669", "#9b1c1c"]);
  }

  var builders = {
    proposer_type: charts.pie,
    grade: charts.pie,
    satisfaction: charts.pie,
    category: bars,
    sector: bars,
    units: units
  };

  charts.mount("statistics-data", builders, function (key, entry) {
    return key === "units" ? charts.unitBarsHeight(entry) : 300;
  });
})();
