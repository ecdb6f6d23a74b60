/* The planning layout map: schools, villages, projects and service-radius rings on plain
   longitude/latitude axes (no tiles, no boundary downloads). Data from #planning-map-data. */
(function () {
  "use strict";
  var node = document.getElementById("planning-map-data");
  var el = document.getElementById("planning-map");
  if (!node || !el || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var maxPupils = Math.max.apply(null, d.schools.map(function (s) { return s.value[2]; }).concat([1]));
  function size(v) { return 6 + 30 * Math.sqrt(v[2] / maxPupils); }
  function gapColour(s) { return s.gap === null ? "#8c96a3" : s.gap < 0 ? "#c0262d" : "#23855a"; }
  var series = [{
    name: "服务半径", type: "lines", coordinateSystem: "cartesian2d", polyline: true, silent: true,
    lineStyle: { color: "#2f7fd8", width: 1, opacity: 0.35, type: "dashed" },
    data: d.rings.map(function (r) { return { name: r.name, coords: r.coords }; })
  }, {
    name: "学校", type: "scatter", symbolSize: size,
    data: d.schools.map(function (s) {
      return { name: s.name, value: s.value, gap: s.gap, symbol: s.point ? "triangle" : "circle",
               itemStyle: { color: gapColour(s), opacity: 0.85 } };
    })
  }, {
    name: "村（社区）", type: "scatter", symbol: "diamond", symbolSize: 8, itemStyle: { color: "#b58b00" },
    data: d.villages
  }, {
    name: "建设项目", type: "scatter", symbol: "pin", symbolSize: 22, itemStyle: { color: "#7a5cc2" },
    data: d.projects.map(function (p) { return { name: p.name + "（" + p.status + "）", value: p.value }; })
  }];
  var chart = window.echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
    legend: { top: 0 },
    grid: { left: 16, right: 16, top: 40, bottom: 16, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        if (p.seriesName === "学校") {
          var g = p.data.gap === null ? "未登记教室" : (p.data.gap < 0 ? "缺" + (-p.data.gap) : "余" + p.data.gap) + "个学位";
          return p.name + "<br>在校生" + p.value[2] + "人，" + g;
        }
        if (p.seriesName === "村（社区）") return p.name + "<br>适龄儿童" + p.value[2] + "人";
        if (p.seriesName === "建设项目") return p.name + "<br>新增学位" + p.value[2] + "个";
        return p.name;
      }
    },
    xAxis: { type: "value", scale: true, name: "经度", splitLine: { show: false } },
    yAxis: { type: "value", scale: true, name: "纬度", splitLine: { show: false } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
