/* Charts of the leaders' follow-up page (Apache ECharts, vendored): recommendations by state, by source and by
   department. The data comes from the JSON element #followup-data written by the page (json_script); every point
   carries the URL of the page narrowed to it, and clicking it opens that. The tables on the page hold the same
   figures for keyboard and screen readers. */
(function () {
  "use strict";

  var source = document.getElementById("followup-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#9b1c1c", "#d97706", "#2563eb", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d",
                 "#ea580c", "#475569"];
  var font = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

  function pie(points) {
    return {
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: points
      }]
    };
  }

  function units(d) {
    return {
      color: ["#475569", "#059669", "#9b1c1c"],
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.names },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", barMaxWidth: 14, data: s.data };
      })
    };
  }

  var builders = { state: pie, source: pie, units: units };

  function heightOf(key) {
    if (key === "units") {
      return Math.max(240, 60 + 34 * data.units.names.length);
    }
    return 300;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    var build = builders[key];
    if (!build || !data[key]) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg", height: heightOf(key) });
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
