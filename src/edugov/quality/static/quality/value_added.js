/* The value-added caterpillar chart: one row per school (or class), its estimate as a point and its
   95% interval as a line, a zero line; rows in the page's order (the table's). */
(function () {
  "use strict";
  var dataNode = document.getElementById("va-data");
  var node = document.querySelector("[data-va-chart]");
  if (!dataNode || !node || !window.echarts) return;
  var p = JSON.parse(dataNode.textContent);
  var colours = { above: "#23855a", below: "#d9730d", as_expected: "#8c96a3" };
  var names = p.categories.slice().reverse();
  var n = names.length;
  function at(list, i) { return list[n - 1 - i]; }
  node.style.height = Math.max(320, 26 * n + 70) + "px";  // one readable row per school or class
  var chart = window.echarts.init(node, null, { renderer: "canvas" });
  chart.setOption({
    textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
    grid: { left: 8, right: 24, top: 16, bottom: 24, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: function (d) {
        var i = d.dataIndex;
        return names[i] + "<br>增值：" + at(p.effect, i) + p.unit + "<br>95%区间：" + at(p.low, i) + " ～ " + at(p.high, i);
      }
    },
    xAxis: { type: "value", name: "分", splitLine: { lineStyle: { type: "dashed" } } },
    yAxis: { type: "category", data: names, axisLabel: { interval: 0, width: 110, overflow: "truncate" } },
    series: [
      {
        type: "custom",
        name: "95%区间",
        renderItem: function (params, api) {
          var i = api.value(0);
          var lo = api.coord([api.value(1), i]);
          var hi = api.coord([api.value(2), i]);
          var colour = colours[at(p.verdict, i)] || "#8c96a3";
          return { type: "group", children: [
            { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: colour, lineWidth: 2 } },
            { type: "line", shape: { x1: lo[0], y1: lo[1] - 4, x2: lo[0], y2: lo[1] + 4 }, style: { stroke: colour, lineWidth: 2 } },
            { type: "line", shape: { x1: hi[0], y1: hi[1] - 4, x2: hi[0], y2: hi[1] + 4 }, style: { stroke: colour, lineWidth: 2 } }
          ] };
        },
        encode: { x: [1, 2], y: 0 },
        data: names.map(function (_, i) { return [i, at(p.low, i), at(p.high, i)]; }),
        z: 1
      },
      {
        type: "scatter",
        name: "增值",
        symbolSize: 8,
        data: names.map(function (_, i) { return [at(p.effect, i), i]; }),
        itemStyle: { color: function (d) { return colours[at(p.verdict, d.dataIndex)] || "#0f4c9a"; } },
        markLine: { silent: true, symbol: "none", data: [{ xAxis: 0 }], lineStyle: { color: "#c0262d" }, label: { show: false } },
        z: 2
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
