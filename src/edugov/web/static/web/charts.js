/* Renders the chart payloads built by the server (registry.dashboard.Chart) with ECharts. */
(function () {
  "use strict";
  var dataNode = document.getElementById("chart-data");
  if (!dataNode || !window.echarts) return;
  var payloads = JSON.parse(dataNode.textContent);
  var palette = ["#0f4c9a", "#2f7fd8", "#23855a", "#d9730d", "#c0262d", "#7a5cc2", "#3aa1a5", "#b58b00", "#8c96a3"];
  var base = {
    color: palette,
    textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
    grid: { left: 16, right: 16, top: 40, bottom: 16, containLabel: true },
    tooltip: { trigger: "axis" }
  };
  function optionFor(p) {
    var unit = p.unit || "";
    if (p.kind === "pie") {
      return Object.assign({}, base, {
        tooltip: { trigger: "item", formatter: "{b}：{c}" + unit + "（{d}%）" },
        legend: { orient: "vertical", right: 8, top: "middle", type: "scroll" },
        series: p.series.map(function (s) {
          return { name: s.name, type: "pie", radius: ["40%", "68%"], center: ["38%", "50%"],
                   minShowLabelAngle: 14, label: { formatter: "{b}\n{c}" + unit }, data: s.data };
        })
      });
    }
    var many = p.categories.length > 6;
    var category = { type: "category", data: p.categories,
                     axisLabel: { interval: 0, rotate: many ? 35 : 0, hideOverlap: true } };
    var value = { type: "value", name: unit, minInterval: 1 };
    // A payload may ask for a legend (several named lines) and for straight lines (smooth: false).
    var extra = p.legend ? { legend: { top: 0, left: "center", type: "scroll" },
                             grid: Object.assign({}, base.grid, { top: 64 }) } : {};
    return Object.assign({}, base, extra, {
      xAxis: category, yAxis: value,
      series: p.series.map(function (s) {
        var item = { name: s.name, type: p.kind === "line" ? "line" : "bar", data: s.data,
                     barMaxWidth: 36, label: { show: !many, position: "top" } };
        if (p.key === "class_sizes") {
          item.itemStyle = { color: function (d) { return d.dataIndex >= 5 ? "#c0262d" : d.dataIndex === 4 ? "#d9730d" : "#0f4c9a"; } };
        }
        if (p.kind === "line") { item.smooth = p.smooth !== false; if (item.smooth) item.areaStyle = { opacity: 0.12 }; item.label = { show: true, position: "top" }; }
        return item;
      })
    });
  }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var p = payloads[node.getAttribute("data-chart")];
    if (!p) return;
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    if (!p.categories.length) {
      chart.setOption({ title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#8c96a3", fontSize: 14 } } });
    } else {
      chart.setOption(optionFor(p));
    }
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
