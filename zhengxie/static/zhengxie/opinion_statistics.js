/* Charts of the opinion-report statistics page (Apache ECharts, vendored). The data comes from the JSON element
   #statistics-data written by the page (json_script); every bar carries the URL of the reports behind it, and
   clicking it opens that list. The tables on the page hold the same figures for keyboard and screen readers. */
(function () {
  "use strict";

  var source = document.getElementById("statistics-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#9b1c1c", "#2563eb", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d"];
  var font = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

  function bars(points) {
    return {
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: points.map(function (p) { return p.name; }),
               axisLabel: { interval: 0, rotate: points.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 32, label: { show: true, position: "top" }, data: points }]
    };
  }

  function grouped(d) {
    return {
      color: ["#475569", "#9b1c1c"],
      textStyle: { fontFamily: font },
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

  var builders = { category: bars, sector: bars, levels: grouped };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    var build = builders[key];
    if (!build || !data[key]) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg", height: 280 });
    chart.setOption(build(data[key]));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) {
        window.location.assign(url);
      }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
