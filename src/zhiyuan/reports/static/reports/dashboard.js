/* The statistics dashboard: trends, distributions and the coverage map, with the vendored ECharts. */
(function () {
  "use strict";
  var RED = "#c62828";

  function chart(id) {
    var holder = document.getElementById(id);
    if (!holder) { return null; }
    var c = echarts.init(holder);
    window.addEventListener("resize", function () { c.resize(); });
    return { el: holder, chart: c };
  }

  function title(el) { return { text: el.dataset.title, textStyle: { fontSize: 14 } }; }

  // Room for the longest axis label (160,000 was clipped to "0,000"), numbers grouped by
  // thousands, and the running month marked as partial.
  var GRID = { left: 8, right: 8, top: 40, bottom: 36, containLabel: true };
  function fmt(v) {
    return Number(v).toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
  }
  function valueAxis() { return { type: "value", axisLabel: { formatter: fmt } }; }
  function monthAxis(d, el) {
    var partial = d.partial_from, mark = el.dataset.partial || "";
    return {
      type: "category",
      data: d.months.map(function (m) { return m === partial ? m + mark : m; })
    };
  }

  function pie(id, values) {
    var c = chart(id);
    if (!c) { return; }
    var data = Object.keys(values).map(function (k) { return { name: k, value: values[k] }; });
    c.chart.setOption({
      title: title(c.el), tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30, data: data }]
    });
  }

  function bars(id, values) {
    var c = chart(id);
    if (!c) { return; }
    c.chart.setOption({
      title: title(c.el), tooltip: { trigger: "axis" },
      grid: GRID, xAxis: { type: "category", data: Object.keys(values) }, yAxis: valueAxis(),
      series: [{ type: "bar", data: Object.values(values), itemStyle: { color: RED } }]
    });
  }

  function draw() {
    var source = document.getElementById("report-data");
    if (!source || typeof echarts === "undefined") { return; }
    var d = JSON.parse(source.textContent);

    var t = chart("chart-trends");
    if (t) {
      t.chart.setOption({
        title: title(t.el), tooltip: { trigger: "axis", valueFormatter: fmt }, legend: { bottom: 0 },
        grid: GRID, xAxis: monthAxis(d, t.el),
        yAxis: [valueAxis(), valueAxis()],
        series: [
          { name: t.el.dataset.hours, type: "bar", data: d.hours_by_month, itemStyle: { color: RED } },
          { name: t.el.dataset.times, type: "line", yAxisIndex: 1, data: d.person_times_by_month },
          { name: t.el.dataset.new, type: "line", yAxisIndex: 1, data: d.new_volunteers_by_month }
        ]
      });
    }
    var c = chart("chart-civility");
    if (c) {
      c.chart.setOption({
        title: title(c.el), tooltip: { trigger: "axis", valueFormatter: fmt }, legend: { bottom: 0 },
        grid: GRID, xAxis: monthAxis(d, c.el), yAxis: valueAxis(),
        series: [
          { name: c.el.dataset.served, type: "bar", data: d.civility_persons_served_by_month, itemStyle: { color: RED } },
          { name: c.el.dataset.times, type: "bar", data: d.civility_person_times_by_month }
        ]
      });
    }
    var m = chart("chart-coverage");
    if (m) {
      var values = d.coverage.map(function (s) { return s.value; });  // per 100 residents
      var option = {
        title: title(m.el),
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var s = p.data || {};
            return p.name + "<br>" + m.el.dataset.volunteers + ": " + fmt(s.volunteers || 0) +
              "<br>" + m.el.dataset.oneIn + ": " + (s.one_in_every ? fmt(s.one_in_every) : "—");
          }
        },
        // Volunteers per 100 residents: a per-resident share such as 0.21 printed as "0 … 0".
        visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), left: 0, bottom: 0,
                     precision: 1, calculable: true, text: [m.el.dataset.legend || "", ""],
                     inRange: { color: ["#ffebee", RED] } }
      };
      if (d.outlines.features.length) {
        echarts.registerMap("coverage", d.outlines);
        option.series = [{ type: "map", map: "coverage", roam: true, label: { show: true, fontSize: 11 }, data: d.coverage }];
      } else {
        option.xAxis = { type: "category", data: d.coverage.map(function (s) { return s.name; }) };
        option.yAxis = valueAxis();
        option.grid = GRID;
        option.series = [{ type: "bar", data: d.coverage }];
      }
      m.chart.setOption(option);
    }
    pie("chart-age", d.age);
    pie("chart-political", d.political);
    pie("chart-stations", d.stations);
    pie("chart-audit", d.audit);
    bars("chart-stars", d.stars);
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
