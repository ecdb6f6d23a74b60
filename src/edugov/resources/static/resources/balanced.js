/* Renders the 优质均衡 and 普及普惠 chart payloads (resources.selectors.ChartPayload) with ECharts:
   "distribution" bars per school with the standard as a red line, "cv" bars with the threshold,
   "trend" lines of CVs across school years. */
(function () {
  "use strict";
  var node = document.getElementById("balanced-charts");
  if (!node || !window.echarts) return;
  var payloads = JSON.parse(node.textContent);
  var font = { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" };
  function markLine(p) {
    if (p.line === null || p.line === undefined) return undefined;
    return { symbol: "none", lineStyle: { color: "#c0262d", type: "dashed" },
             label: { formatter: p.line_label, color: "#c0262d" }, data: [{ yAxis: p.line }] };
  }
  function option(p) {
    var base = { textStyle: font, tooltip: { trigger: "axis" },
                 grid: { left: 16, right: 48, top: 36, bottom: 16, containLabel: true },
                 color: ["#0f4c9a", "#2f7fd8", "#23855a", "#d9730d", "#c0262d", "#7a5cc2", "#3aa1a5"] };
    if (p.kind === "trend") {
      return Object.assign(base, {
        legend: { type: "scroll", top: 0 },
        xAxis: { type: "category", data: p.categories },
        yAxis: { type: "value", name: p.unit || "差异系数" },
        series: p.series.map(function (s, i) {
          var item = { name: s.name, type: "line", data: s.data, connectNulls: true };
          if (i === 0) item.markLine = markLine(p);
          return item;
        })
      });
    }
    var s = p.series[0];
    var data = s.data.map(function (v, i) {
      var bad = p.kind === "cv" ? (v !== null && p.line !== null && v > p.line) : (s.met && !s.met[i]);
      return { value: v, itemStyle: { color: bad ? "#d9730d" : "#0f4c9a" } };
    });
    return Object.assign(base, {
      xAxis: { type: "category", data: p.categories,
               axisLabel: { rotate: p.categories.length > 6 ? 40 : 0, interval: p.kind === "cv" ? 0 : "auto" } },
      yAxis: { type: "value", name: p.unit },
      series: [{ name: s.name, type: "bar", data: data, barMaxWidth: 28, markLine: markLine(p) }]
    });
  }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var p = payloads[el.getAttribute("data-chart")];
    if (!p) return;
    el.style.minHeight = "280px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(p.categories.length ? option(p)
      : { title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#8c96a3", fontSize: 14 } } });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
