/* Charts of the opinion-report statistics page. The data comes from the JSON element #statistics-data written by
   the page; every bar carries the URL of the reports behind it. The drawing is shared (zx-charts.js). */
(function () {
  "use strict";

  var charts = window.ZxCharts;
  if (!charts) {
    return;
  }
  var palette = ["#9b1c1c", "#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d"];

  function bars(points) {
    return charts.bars(points, { palette: palette, rotateAbove: 4, barMaxWidth: 32 });
  }

  /* Upright bars in groups, reported and adopted side by side for each level. */
  function grouped(d) {
    return {
      color: ["#475569", "#9b1c1c"],
      textStyle: { fontFamily: charts.font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.names },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", barMaxWidth: 28, label: { show: true, position: "top" }, data: s.data };
      })
    };
  }

  charts.mount("statistics-data", { category: bars, sector: bars, levels: grouped }, function () {
    return 280;
  });
})();
