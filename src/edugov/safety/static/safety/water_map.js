/* The dangerous waters on plain longitude/latitude axes (no tiles, no boundary downloads), coloured
   by patrol status, with the schools they lie near; a click opens the water's patrol records.
   Data from #safety-water-map-data (safety.selectors.water_map); the list below the map carries
   the same facts for screen readers. Pattern of planning/map.js. */
(function () {
  "use strict";
  var node = document.getElementById("safety-water-map-data");
  var el = document.getElementById("safety-water-map");
  if (!node || !el || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var colours = { ok: "#23855a", overdue: "#c0262d", no_signs: "#b35c00" };
  var narrow = el.clientWidth < 480;
  function watersOf(status) {
    return d.waters.filter(function (w) { return w.status === status; }).map(function (w) {
      return { name: w.name, value: w.value, url: w.url, kind: w.kind, town: w.town, last: w.last, approx: w.approx,
               symbol: w.approx ? "emptyCircle" : "circle" };
    });
  }
  var series = [{
    name: "附近学校", type: "scatter", symbol: "rect", symbolSize: 7, itemStyle: { color: "#8c96a3" },
    data: d.schools, z: 1
  }];
  ["overdue", "no_signs", "ok"].forEach(function (status) {
    series.push({
      name: d.labels[status], type: "scatter", symbolSize: narrow ? 11 : 14, z: 2,
      itemStyle: { color: colours[status], borderColor: colours[status], borderWidth: 2, opacity: 0.9 },
      data: watersOf(status)
    });
  });
  // The axes span the points (at least 0.02 degree, about 2 km) instead of ECharts' own rounding,
  // which with one or two waters stretched them over 100 degrees.
  function span(index) {
    var vs = d.schools.concat(d.waters).map(function (p) { return p.value[index]; });
    if (!vs.length) return {};
    var lo = Math.min.apply(null, vs), hi = Math.max.apply(null, vs);
    var pad = Math.max((hi - lo) * 0.08, 0.01);
    return { min: +(lo - pad).toFixed(3), max: +(hi + pad).toFixed(3) };
  }
  var xs = span(0), ys = span(1);
  function deg(v) { return (+v).toFixed(3); }
  // labels inside the span only: the padded ends would repeat their neighbours' rounded value
  var ends = { showMinLabel: false, showMaxLabel: false };
  var chart = window.echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
    // on a phone the legend wraps onto two lines rather than paging (every status stays in view)
    legend: { top: 0, type: "plain", itemGap: narrow ? 8 : 10 },
    grid: { left: 8, right: narrow ? 24 : 48, top: narrow ? 64 : 40, bottom: 8, containLabel: true },  // room for 经度
    tooltip: {
      trigger: "item", confine: true,
      formatter: function (p) {
        if (p.seriesName === "附近学校") return p.name;
        var w = p.data;
        return w.name + "（" + w.kind + "，" + w.town + "）<br>" + p.seriesName +
          "<br>最近巡查：" + (w.last || "无记录") + (w.approx ? "<br>未登记坐标，按附近学校位置标出" : "");
      }
    },
    xAxis: { type: "value", scale: true, min: xs.min, max: xs.max, name: narrow ? "" : "经度",
             splitLine: { show: false }, axisLabel: Object.assign({ hideOverlap: true, formatter: deg }, ends) },
    yAxis: { type: "value", scale: true, min: ys.min, max: ys.max, name: narrow ? "" : "纬度",
             splitLine: { show: false }, axisLabel: Object.assign({ formatter: deg }, ends) },
    series: series
  });
  chart.on("click", function (p) {
    if (p.data && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
