/* Renders the burden chart payloads (selectors.compliance_charts) with ECharts. */
(function () {
  "use strict";
  var node = document.getElementById("burden-charts");
  if (!node || !window.echarts) return;
  var payloads = JSON.parse(node.textContent);
  var charts = [];
  function option(p) {
    if (p.kind === "heatmap") {
      var max = Math.max.apply(null, p.limits.concat([60])) * 1.5;
      return {
        tooltip: { formatter: function (d) { return p.rows[d.value[1]] + "<br>" + p.categories[d.value[0]] + " 周：日均 " + d.value[2] + " 分钟（上限 " + p.limits[d.value[1]] + "）"; } },
        grid: { left: 8, right: 16, top: 16, bottom: 60, containLabel: true },
        xAxis: { type: "category", data: p.categories, splitArea: { show: true } },
        yAxis: { type: "category", data: p.rows, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
        visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                     inRange: { color: ["#e8f1fb", "#f6d58e", "#d9730d", "#c0262d"] } },
        series: [{ type: "heatmap", data: p.series[0].data, label: { show: p.rows.length <= 15 } }]
      };
    }
    return {
      color: ["#0f4c9a", "#c0262d", "#23855a"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 16, right: 16, top: 40, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: p.categories },
      yAxis: { type: "value", name: p.unit, max: p.unit === "%" ? 100 : null },
      series: p.series.map(function (s) {
        return { name: s.name, type: s.type || (p.kind === "line" ? "line" : "bar"), data: s.data, barMaxWidth: 36,
                 label: { show: p.categories.length <= 9, position: "top" } };
      })
    };
  }
  document.querySelectorAll("[data-burden-chart]").forEach(function (el) {
    var p = payloads[el.getAttribute("data-burden-chart")];
    if (!p) return;
    var chart = window.echarts.init(el);
    if (!p.categories.length || (p.kind === "heatmap" && !p.rows.length)) {
      chart.setOption({ title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#8c96a3", fontSize: 14 } } });
    } else {
      chart.setOption(option(p));
    }
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
