// ccsim's explorer: the per-interval numbers of report.html drawn with uPlot. Choose the
// metric and the scope; hover for values; click a legend entry to hide its series (and its
// band); drag across the plot to zoom a time range, double-click to zoom out. A compare shows
// each variant's difference from the first with its paired band; a sweep sets any swept path
// against another. With #selftest in the address, the page checks itself and says so in
// <body data-selftest>.
(function () {
  var el = document.getElementById('ccsim-data');
  if (!el) return;
  var D = JSON.parse(el.textContent);
  var box = document.getElementById('explore-plot');
  var metricSel = document.getElementById('explore-metric');
  var scopeSel = document.getElementById('explore-scope');
  var showSel = document.getElementById('explore-show');
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf',
    '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#000080', '#000000'];
  D.metrics.forEach(function (m) { metricSel.add(new Option(m.replace(/_/g, ' '), m)); });
  D.scopes.forEach(function (s) { scopeSel.add(new Option(s === 'all' ? 'whole centre' : s, s)); });
  var shares = ['service_level', 'abandon_rate'];
  var plot = null;
  var sweepPlot = null;

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
  function fmt(share, diff) {
    return function (u, y) {
      if (y == null) return '–';
      if (share) return (diff && y > 0 ? '+' : '') + (y * 100).toFixed(1) + (diff ? ' pts' : '%');
      return (diff && y > 0 ? '+' : '') + y.toFixed(2);
    };
  }
  // A share's tick in percent, with as many decimals as the ticks' spacing needs to keep
  // them apart (47.5%, 48.0%, … rather than 48%, 48%, …).
  function percent(y, ticks) {
    var step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) * 100 : 1;
    var decimals = Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
    return (y * 100).toFixed(decimals);
  }
  // A band is two series (low, high) filled between by uPlot: left out of the legend and
  // shown or hidden with its curve.
  function bandSeries(color) {
    return { stroke: color, width: 0, points: { show: false }, band: true };
  }
  function bandHooks(series, fills) {
    return {
      ready: [function (u) {
        var rows = u.root.querySelectorAll('.u-legend .u-series');
        series.forEach(function (s, i) { if (s.band && rows[i]) rows[i].style.display = 'none'; });
      }],
      setSeries: [function (u, i, o) {
        if (!o || o.show === undefined) return;
        fills.forEach(function (f) {
          if (f.owner !== i) return;
          f.series.forEach(function (j) {
            if (u.series[j].show !== o.show) u.setSeries(j, { show: o.show });
          });
        });
      }],
    };
  }

  function build() {
    var m = metricSel.value;
    var diff = showSel && showSel.value === 'diff';
    scopeSel.disabled = diff;
    var s = diff ? 'all' : scopeSel.value;
    var per = diff ? D.diff : (D.data[s] || {});
    var bands = diff ? null : (D.bands[s] || null);
    var xs = D.labels.map(function (_, i) { return i * D.step; });
    var data = [xs];
    var series = [{ label: 'time', value: function (u, x) { return x == null ? '' : dayLabel(x); } }];
    var fills = [];
    var share = shares.indexOf(m) >= 0;
    var value = fmt(share, diff);
    if (diff) {
      data.push(xs.map(function () { return 0; }));
      series.push({ label: 'no difference', stroke: '#000', width: 1, value: value });
    }
    D.variants.forEach(function (v, i) {
      var t = per[v] && per[v][m];
      if (!t) return;
      var color = palette[i % palette.length];
      var mean = diff ? t[0] : t;
      var lohi = diff ? [t[1], t[2]] : (bands && bands[v] && bands[v][m]);
      data.push(mean);
      var at = series.length;
      series.push({
        label: diff ? v + ' − ' + D.variants[0] : v,
        stroke: color,
        width: 2,
        dash: i ? [8, 4] : undefined,
        value: value,
      });
      if (lohi) {
        data.push(lohi[0], lohi[1]);
        series.push(bandSeries(color), bandSeries(color));
        fills.push({ series: [at + 2, at + 1], fill: color + '2e', owner: at });
      }
    });
    var opts = {
      width: Math.max(box.clientWidth, 600),
      height: 420,
      series: series,
      bands: fills.map(function (f) { return { series: f.series, fill: f.fill }; }),
      scales: { x: { time: false } },
      axes: [
        { space: 70, values: function (u, ticks) { return ticks.map(tickLabel); } },
        { size: 70, values: function (u, ticks) {
          return ticks.map(function (y) {
            return share ? (diff && y > 0 ? '+' : '') + percent(y, ticks) + (diff ? '' : '%') : y;
          });
        } },
      ],
      cursor: { drag: { x: true, y: false } },
      hooks: bandHooks(series, fills),
    };
    if (plot) plot.destroy();
    plot = new uPlot(opts, data, box);
    window.ccsimPlot = plot;
  }
  metricSel.onchange = build;
  scopeSel.onchange = build;
  if (showSel) showSel.onchange = build;
  build();

  // The sweep explorer: one swept path along x (on a number line when every value is a
  // number, a duration or a share), one line per value of another, the rest held fixed.
  var S = D.sweep;
  var sx = document.getElementById('sweep-x');
  var sby = document.getElementById('sweep-by');
  var sm = document.getElementById('sweep-metric');
  var fixedBox = document.getElementById('sweep-fixed');
  var sweepBox = document.getElementById('sweep-plot');
  var heatBox = document.getElementById('sweep-heat');
  var fixed = [];
  function number(text) {
    var t = String(text).trim().replace(/^"|"$/g, '');
    var units = { ms: 0.001 / 60, s: 1 / 60, m: 1, min: 1, h: 60, d: 1440 };
    var r = /^(-?[0-9.]+)\s*(ms|s|m|min|h|d|%)?$/.exec(t);
    if (!r) return null;
    var x = parseFloat(r[1]);
    if (isNaN(x)) return null;
    if (r[2] === '%') return x / 100;
    return r[2] ? x * units[r[2]] : x;
  }
  function distinct(k) {
    var seen = [];
    S.points.forEach(function (p) { if (seen.indexOf(p.values[k]) < 0) seen.push(p.values[k]); });
    return seen;
  }
  function sweepBuild() {
    var x = +sx.value, by = +sby.value, m = sm.value;
    fixed.forEach(function (f, k) { f.box.style.display = (k === x || k === by) ? 'none' : ''; });
    var xv = distinct(x);
    var nums = xv.map(number);
    var numeric = nums.every(function (n) { return n !== null; });
    var xs = xv.map(function (v, i) { return numeric ? nums[i] : i; });
    var order = xs.map(function (_, i) { return i; }).sort(function (a, b) { return xs[a] - xs[b]; });
    var lines = by < 0 ? [null] : distinct(by);
    var held = function (p) {
      return fixed.every(function (f, k) {
        return k === x || k === by || p.values[k] === f.sel.value;
      });
    };
    var share = /rate|level|occupancy|p_wait/.test(m);
    var value = fmt(share, false);
    var data = [order.map(function (i) { return xs[i]; })];
    var series = [{ label: S.paths[x], value: function (u, v) {
      if (v == null) return '';
      var i = xs.indexOf(v);
      return i < 0 ? v : xv[i];
    } }];
    var fills = [];
    var grid = [];
    lines.forEach(function (lv, li) {
      var row = order.map(function (i) {
        var p = S.points.filter(function (p) {
          return p.values[x] === xv[i] && (by < 0 || p.values[by] === lv) && held(p);
        })[0];
        return p && p.m[m] ? p.m[m].concat([p.feasible, p.best]) : [null, null, null];
      });
      grid.push(row);
      var color = palette[li % palette.length];
      var at = series.length;
      data.push(row.map(function (r) { return r[0]; }));
      series.push({ label: by < 0 ? m.replace(/_/g, ' ') : S.paths[by] + ' = ' + lv, stroke: color,
        width: 2, dash: li ? [8, 4] : undefined, points: { size: 7 }, value: value });
      data.push(row.map(function (r) { return r[1]; }), row.map(function (r) { return r[2]; }));
      series.push(bandSeries(color), bandSeries(color));
      fills.push({ series: [at + 2, at + 1], fill: color + '26', owner: at });
    });
    var opts = {
      width: Math.max(sweepBox.clientWidth, 600),
      height: 380,
      series: series,
      bands: fills.map(function (f) { return { series: f.series, fill: f.fill }; }),
      scales: { x: { time: false } },
      axes: [
        { label: S.paths[x] + (numeric && /[0-9](m|s|h|d|min)$/.test(xv[0]) ? ' (minutes)' : ''),
          values: function (u, ticks) {
            return ticks.map(function (t) {
              if (numeric) return t;
              return Number.isInteger(t) && xv[t] !== undefined ? xv[t] : '';
            });
          } },
        { size: 70, label: m.replace(/_/g, ' '), values: function (u, ticks) {
          return ticks.map(function (y) { return share ? percent(y, ticks) + '%' : y; });
        } },
      ],
      hooks: bandHooks(series, fills),
    };
    if (sweepPlot) sweepPlot.destroy();
    sweepPlot = new uPlot(opts, data, sweepBox);
    window.ccsimSweep = sweepPlot;
    heat(grid, order.map(function (i) { return xv[i]; }), lines, m, value);
  }
  // The chosen metric over the two paths as a table of coloured cells: greener is better
  // (blue where neither way is better).
  function heat(grid, cols, rows, m, value) {
    var all = [];
    grid.forEach(function (r) { r.forEach(function (c) { if (c[0] != null) all.push(c[0]); }); });
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    var way = S.better[m] || 'neither';
    var t = document.createElement('table');
    var head = '<tr><th>' + (rows[0] === null ? '' : esc(S.paths[+sby.value]) + ' ↓ / ') +
      esc(S.paths[+sx.value]) + ' →</th>' +
      cols.map(function (c) { return '<th>' + esc(c) + '</th>'; }).join('') + '</tr>';
    var body = grid.map(function (r, i) {
      return '<tr><th>' + (rows[i] === null ? esc(m) : esc(rows[i])) + '</th>' + r.map(function (c) {
        if (c[0] == null) return '<td></td>';
        var f = hi > lo ? (c[0] - lo) / (hi - lo) : 0.5;
        if (way === 'lower') f = 1 - f;
        var bg = way === 'neither' ? 'hsl(210,60%,' + (92 - 40 * f) + '%)' : 'hsl(' + (10 + 110 * f) + ',65%,' + (82 - 12 * f) + '%)';
        var mark = c[3] === 'no' ? ' ✗' : c[3] === 'unsure' ? ' ?' : '';
        if (c[3] === 'no') bg = '#d7d7d7';
        var text = value(null, c[0]) + mark + (c[4] ? ' ★' : '');
        return '<td style="background:' + bg + (c[4] ? ';font-weight:bold;outline:3px solid #000' : '') + '">' + text + '</td>';
      }).join('') + '</tr>';
    }).join('');
    t.innerHTML = head + body;
    heatBox.innerHTML = '';
    heatBox.appendChild(t);
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  if (S && sx) {
    S.paths.forEach(function (p, k) {
      sx.add(new Option(p, k));
      sby.add(new Option(p, k));
      var label = document.createElement('label');
      label.textContent = p + ' ';
      var sel = document.createElement('select');
      distinct(k).forEach(function (v) { sel.add(new Option(v, v)); });
      sel.onchange = sweepBuild;
      label.appendChild(sel);
      label.appendChild(document.createTextNode(' '));
      fixedBox.appendChild(label);
      fixed.push({ box: label, sel: sel });
    });
    sby.add(new Option('(none)', -1));
    sby.value = S.paths.length > 1 ? 1 : -1;
    S.metrics.forEach(function (m) { sm.add(new Option(m.replace(/_/g, ' '), m)); });
    if (S.metrics.indexOf('service_level') >= 0) sm.value = 'service_level';
    sx.onchange = sby.onchange = sm.onchange = sweepBuild;
    sweepBuild();
  }

  if (location.hash !== '#selftest') return;
  // The page's own check, for a headless browser: the page fits its window, every metric draws
  // something, hiding a series changes the drawing, and so do the difference view and the
  // sweep's choices.
  function ink(where) {
    var c = (where || box).querySelector('canvas');
    var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    var n = 0, sum = 0;
    for (var i = 3; i < px.length; i += 4) if (px[i] > 0) { n++; sum = (sum + i * px[i - 1]) % 1000000007; }
    return [n, sum];
  }
  function same(a, b) { return a[0] === b[0] && a[1] === b[1]; }
  // uPlot draws after the current task: each step waits for the drawing before it looks.
  var result = [];
  var steps = [];
  // Wide tables (a tune's many points) scroll in their own box, never the page.
  var page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) result.push('the page scrolls sideways');
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
    if (same(before, ink())) result.push('hiding a series changed nothing');
  });
  if (showSel) {
    steps.push(function () { metricSel.value = 'service_level'; build(); });
    steps.push(function () { before = ink(); showSel.value = 'diff'; build(); });
    steps.push(function () {
      if (same(before, ink())) result.push('the difference view drew nothing new');
      if (plot.series.length < 3) result.push('the difference view has no variant');
    });
  }
  if (S && sx) {
    steps.push(function () { if (ink(sweepBox)[0] === 0) result.push('blank sweep'); });
    steps.push(function () {
      if (heatBox.querySelectorAll('td').length === 0) result.push('empty sweep table');
      before = ink(sweepBox);
      sm.value = S.metrics[0] === sm.value ? S.metrics[1] : S.metrics[0];
      sweepBuild();
    });
    steps.push(function () { if (same(before, ink(sweepBox))) result.push('another sweep metric changed nothing'); });
  }
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
