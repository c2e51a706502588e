/* The offline station map: subdistrict outlines and stations drawn with the vendored ECharts. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("station-map");
    var source = document.getElementById("station-map-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    echarts.registerMap("district", data.outlines);
    var colours = { compliant: "#2e7d32", short: "#c62828", unaudited: "#9e9e9e" };
    var labels = {
      compliant: holder.dataset.labelCompliant,
      short: holder.dataset.labelShort,
      unaudited: holder.dataset.labelUnaudited
    };
    var shapes = { community: "circle", public_place: "rect", point: "triangle", base: "diamond" };
    var byKind = {};
    data.stations.forEach(function (s) {
      (byKind[s.kind] = byKind[s.kind] || { label: s.kind_label, points: [] }).points.push({
        name: s.name, value: [s.lng, s.lat], id: s.id, compliance: s.compliance,
        itemStyle: { color: colours[s.compliance] }
      });
    });
    var series = Object.keys(byKind).map(function (kind) {
      return {
        name: byKind[kind].label, type: "scatter", coordinateSystem: "geo",
        symbol: shapes[kind] || "circle", symbolSize: kind === "point" ? 7 : 11,
        itemStyle: { color: "#607d8b" },
        data: byKind[kind].points
      };
    });
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) { return p.data && p.data.compliance ? p.name + "<br>" + labels[p.data.compliance] : p.name; }
      },
      legend: { bottom: 0 },
      geo: {
        map: "district", roam: true, label: { show: true, fontSize: 11 },
        itemStyle: { areaColor: "#fafafa", borderColor: "#90a4ae" },
        emphasis: { itemStyle: { areaColor: "#eceff1" } }
      },
      series: series
    });
    chart.on("click", function (p) {
      if (p.data && p.data.id) {
        window.location.href = holder.dataset.detailUrl.replace("/0/", "/" + p.data.id + "/");
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
