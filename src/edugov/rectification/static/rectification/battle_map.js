/* 挂图作战: towns from the offline boundary file, units as points sized by open items,
   coloured by worst severity, red ring when overdue; a click opens the unit's first item. */
(function () {
  "use strict";
  var node = document.getElementById("battle-map");
  var dataNode = document.getElementById("battle-data");
  if (!node || !dataNode || !window.echarts) return;
  var data = JSON.parse(dataNode.textContent);
  var chart = echarts.init(node);
  var colours = { high: "#c0262d", medium: "#d9730d", low: "#2f7fd8" };
  function draw(geoJson) {
    var option = {
      tooltip: { trigger: "item", formatter: function (p) {
        if (!p.data || !p.data.items) return p.name;
        var lines = [p.data.name + "：未销号 " + p.data.value[2] + " 项" + (p.data.overdue ? "，逾期 " + p.data.overdue + " 项" : "")];
        Object.keys(p.data.statuses).forEach(function (k) { lines.push(k + " " + p.data.statuses[k]); });
        p.data.items.forEach(function (it) { lines.push("· " + it.title); });
        return lines.join("<br>");
      } },
      series: [{
        type: "scatter", coordinateSystem: geoJson ? "geo" : "cartesian2d",
        symbolSize: function (v) { return 8 + Math.min(24, v[2] * 3); },
        data: data.units.map(function (u) {
          return Object.assign({}, u, { itemStyle: { color: colours[u.worst] || "#2f7fd8",
            borderColor: u.overdue ? "#c0262d" : "#fff", borderWidth: u.overdue ? 3 : 1 } });
        })
      }]
    };
    if (geoJson) {
      echarts.registerMap("district", geoJson);
      option.geo = { map: "district", roam: true, label: { show: true, color: "#555" },
                     itemStyle: { areaColor: "#eef3fa", borderColor: "#8aa6cf" } };
    } else {
      option.xAxis = { type: "value", scale: true, show: false };
      option.yAxis = { type: "value", scale: true, show: false };
    }
    chart.setOption(option);
  }
  chart.on("click", function (p) {
    if (p.data && p.data.items && p.data.items.length) {
      window.location.href = data.item_url.replace("{id}", p.data.items[0].id);
    }
  });
  var url = node.getAttribute("data-boundary");
  if (url) {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw, function () { draw(null); });
  } else { draw(null); }
  window.addEventListener("resize", function () { chart.resize(); });
})();
