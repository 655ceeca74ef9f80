// ccsim's explorer: the per-interval numbers of report.html drawn with uPlot. Choose the
// metric and the scope; hover for values; click a legend entry to hide its series; drag
// across the plot to zoom a time range, double-click to zoom out. With #selftest in the
// address, the page checks itself and says so in <body data-selftest>.
(function () {
  var el = document.getElementById('ccsim-data');
  if (!el) return;
  var D = JSON.parse(el.textContent);
  var box = document.getElementById('explore-plot');
  var metricSel = document.getElementById('explore-metric');
  var scopeSel = document.getElementById('explore-scope');
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf',
    '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#000080', '#000000'];
  D.metrics.forEach(function (m) { metricSel.add(new Option(m.replace(/_/g, ' '), m)); });
  D.scopes.forEach(function (s) { scopeSel.add(new Option(s === 'all' ? 'whole centre' : s, s)); });
  var shares = ['service_level', 'abandon_rate'];
  var plot = null;
  function dayLabel(x) {
    var i = Math.round(x / D.step);
    var l = D.labels[i];
    return l === undefined ? '' : l;
  }
  // A tick at midnight names the day (`d2 wed`), any other its time (`12:00`).
  function tickLabel(x) {
    var l = dayLabel(x);
    var cut = l.lastIndexOf(' ');
    if (cut < 0) return l;
    var time = l.slice(cut + 1);
    return time === '00:00' ? l.slice(0, cut) : time;
  }
  function build() {
    var m = metricSel.value, s = scopeSel.value;
    var per = D.data[s] || {};
    var xs = D.labels.map(function (_, i) { return i * D.step; });
    var data = [xs];
    var series = [{ label: 'time', value: function (u, x) { return x == null ? '' : dayLabel(x); } }];
    var share = shares.indexOf(m) >= 0;
    D.variants.forEach(function (v, i) {
      var t = per[v] && per[v][m];
      if (!t) return;
      data.push(t);
      series.push({
        label: v,
        stroke: palette[i % palette.length],
        width: 2,
        dash: i ? [8, 4] : undefined,
        value: function (u, y) {
          return y == null ? '–' : share ? (y * 100).toFixed(1) + '%' : y.toFixed(2);
        },
      });
    });
    var opts = {
      width: Math.max(box.clientWidth, 600),
      height: 420,
      series: series,
      scales: { x: { time: false } },
      axes: [
        { space: 70, values: function (u, ticks) { return ticks.map(tickLabel); } },
        { size: 60, values: function (u, ticks) {
          return ticks.map(function (y) { return share ? (y * 100).toFixed(0) + '%' : y; });
        } },
      ],
      cursor: { drag: { x: true, y: false } },
    };
    if (plot) plot.destroy();
    plot = new uPlot(opts, data, box);
    window.ccsimPlot = plot;
  }
  metricSel.onchange = build;
  scopeSel.onchange = build;
  build();
  if (location.hash !== '#selftest') return;
  // The page's own check, for a headless browser: every metric draws something, and hiding
  // a series changes the drawing.
  function ink() {
    var c = box.querySelector('canvas');
    var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    var n = 0, sum = 0;
    for (var i = 3; i < px.length; i += 4) if (px[i] > 0) { n++; sum = (sum + i * px[i - 1]) % 1000000007; }
    return [n, sum];
  }
  // uPlot draws after the current task: each step waits for the drawing before it looks.
  var result = [];
  var steps = [];
  for (var k = 0; k < metricSel.options.length; k++) {
    (function (k) {
      steps.push(function () { metricSel.selectedIndex = k; build(); });
      steps.push(function () { if (ink()[0] === 0) result.push('blank: ' + metricSel.value); });
    })(k);
  }
  var before;
  steps.push(function () { metricSel.selectedIndex = 0; build(); });
  steps.push(function () { before = ink(); plot.setSeries(1, { show: false }); });
  steps.push(function () {
    var after = ink();
    if (before[0] === after[0] && before[1] === after[1]) result.push('hiding a series changed nothing');
  });
  function next(i) {
    if (i === steps.length) {
      document.body.setAttribute('data-selftest', result.length ? result.join('; ') : 'ok');
      return;
    }
    try {
      steps[i]();
    } catch (e) {
      result.push('error: ' + e);
    }
    setTimeout(function () { next(i + 1); }, 30);
  }
  next(0);
})();
