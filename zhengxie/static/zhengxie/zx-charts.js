/* What the statistics charts share (Apache ECharts, vendored): the palette, the font, the kinds of chart and the
   drawing of a page's charts. A page loads echarts.min.js, then this file, then its own script, which names the
   builder of each chart and calls ZxCharts.mount. The data comes from a JSON element written by the page
   (json_script), one entry a chart element (data-chart); every point carries the URL of the page narrowed to it,
   and clicking it opens that. The tables on each page hold the same figures for keyboard and screen readers. */
(function () {
  "use strict";

  var palette = ["#9b1c1c", "#d97706", "#2563eb", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d",
                 "#ea580c", "#475569"];
  var font = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

  /* A ring of shares, one slice a point ({name, value, url}). */
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

  /* Upright bars, one a point, each labelled with its figure; the names slant when there are more than
     options.rotateAbove of them. */
  function bars(points, options) {
    return {
      color: options.palette || palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: points.map(function (p) { return p.name; }),
               axisLabel: { interval: 0, rotate: points.length > options.rotateAbove ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: options.barMaxWidth, label: { show: true, position: "top" }, data: points }]
    };
  }

  /* Lying bars, one row a unit ({names, series: [{name, data}]}), one colour a series. */
  function unitBars(d, colors) {
    return {
      color: colors,
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

  /* The height of a unitBars chart: room for every row. */
  function unitBarsHeight(d) {
    return Math.max(240, 60 + 34 * d.names.length);
  }

  /* Draws every [data-chart] element the page's data has an entry and builders a function for; heightOf(key,
     entry) gives each chart's height in pixels. Clicking a point with a url opens it; the charts follow the
     window's size. */
  function mount(dataId, builders, heightOf) {
    var source = document.getElementById(dataId);
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var key = element.getAttribute("data-chart");
      var build = builders[key];
      if (!build || !data[key]) {
        return;
      }
      var chart = window.echarts.init(element, null, { renderer: "svg", height: heightOf(key, data[key]) });
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
  }

  window.ZxCharts = {
    palette: palette,
    font: font,
    pie: pie,
    bars: bars,
    unitBars: unitBars,
    unitBarsHeight: unitBarsHeight,
    mount: mount
  };
})();
