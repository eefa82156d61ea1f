/*
 * timeline.js — the script of libmap-timeline's HTML page (embedded by
 * viewer/export.cmake, data written by viewer/html.c into #tl-data). Draws
 * the SVG timeline synchronously at load (so `chromium --dump-dom` sees it):
 * one g.lane per thread, rect.op per operation (per-pixel merging when
 * zoomed out), growth bands, evacuation ticks, lock waits (a thin bar at
 * the bottom of the waiting thread's lane), the panic line, the race
 * highlighted with its overlap; zoom (wheel, buttons, drag a range, reset)
 * and a tooltip on hover. Times in the data are ns from data.origin_ns.
 */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('tl-data').textContent);
  var svg = document.getElementById('timeline');
  var chart = document.getElementById('chart');
  var tip = document.getElementById('tooltip');
  var NS = svg.namespaceURI;
  var LABEL_W = 200, AXIS_H = 30, LANE_H = 24, GAP = 4, PAD_R = 12;
  var OP = {LANE: 0, KIND: 1, S: 2, D: 3, MAP: 4, RES: 5, COUNT: 6, B: 7, HASH: 8, IDX: 9};

  /* lanes, sorted by pid then tid; each with its ops sorted by start and
   * the running maximum of their ends (for the visible-range search) */
  var lanes = D.threads.map(function (t, i) {
    return {i: i, pid: t.pid, tid: t.tid, name: t.name, ops: [], maxEnd: []};
  });
  var order = lanes.slice().sort(function (a, b) { return a.pid - b.pid || a.tid - b.tid; });
  order.forEach(function (l, row) { l.row = row; });
  D.ops.forEach(function (o, i) { if (lanes[o[OP.LANE]]) lanes[o[OP.LANE]].ops.push(i); });
  lanes.forEach(function (l) {
    l.ops.sort(function (x, y) { return D.ops[x][OP.S] - D.ops[y][OP.S]; });
    var m = -Infinity;
    l.ops.forEach(function (i) {
      var o = D.ops[i];
      m = Math.max(m, o[OP.S] + o[OP.D]);
      l.maxEnd.push(m);
    });
  });

  /* race roles: "race" for the headline pair, "race-other" for the rest */
  var role = {};
  var partner = {};
  D.others.forEach(function (r) {
    role[r.a] = role[r.a] || 'race-other';
    role[r.b] = role[r.b] || 'race-other';
    partner[r.a] = r; partner[r.b] = r;
  });
  if (D.race) {
    role[D.race.a] = 'race'; role[D.race.b] = 'race';
    partner[D.race.a] = D.race; partner[D.race.b] = D.race;
  }

  /* time formatting */
  var UNITS = [[1, 'ns'], [1e3, '\u00b5s'], [1e6, 'ms'], [1e9, 's']];
  function unitFor(ns) {
    var u = UNITS[0];
    for (var k = 0; k < UNITS.length; k++) if (Math.abs(ns) >= UNITS[k][0]) u = UNITS[k];
    return u;
  }
  function fmtDur(ns) {
    var u = unitFor(ns);
    return u[0] === 1 ? Math.round(ns) + ' ns' : (ns / u[0]).toFixed(3) + ' ' + u[1];
  }
  function fmtHex(v) { return typeof v === 'string' ? v : '0x' + Number(v).toString(16); }
  function mapName(i) {
    var m = D.maps[i];
    if (!m) return '?';
    return m[0] + (m[1] ? ' (life ' + m[1] + ')' : '');
  }

  /* the view: [v0, v1] in ns from origin */
  var span0 = Math.max(D.t1 - D.t0, 1000);
  var pad = span0 * 0.02;
  var full = [D.t0 - pad, D.t0 + span0 + pad];
  var v0 = full[0], v1 = full[1];
  var plotW = 600, k = 1;
  function X(t) { return LABEL_W + (t - v0) * k; }
  function T(x) { return v0 + (x - LABEL_W) / k; }
  function clampX(x) { return Math.max(LABEL_W - 5, Math.min(LABEL_W + plotW + 5, x)); }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function laneY(l) { return AXIS_H + l.row * (LANE_H + GAP); }
  var lanesBottom = function () { return AXIS_H + order.length * (LANE_H + GAP); };

  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  function drawAxis(root, H) {
    var g = el('g', {'class': 'axis', id: 'axis'}, root);
    var step = niceStep((v1 - v0) / Math.max(plotW / 100, 1));
    var u = unitFor(step);
    var dec = Math.max(0, Math.ceil(-Math.log10(step / u[0]) - 1e-9));
    for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      var x = X(t);
      el('line', {x1: x, x2: x, y1: AXIS_H - 6, y2: H}, g);
      var tx = el('text', {x: x + 2, y: AXIS_H - 10}, g);
      tx.textContent = (t / u[0]).toFixed(dec);
    }
    var unit = el('text', {'class': 'unit', x: 6, y: AXIS_H - 10}, g);
    unit.textContent = 'time (' + u[1] + ')';
  }

  function drawDensity(l, y, g) {
    if (!D.agg) return;
    var row = D.agg.density[l.i], n = D.agg.bins, w = (D.t1 - D.t0 + 1) / n;
    var max = 1;
    row.forEach(function (c) { if (c > max) max = c; });
    var lastX = -1, last = null;
    for (var b = 0; b < n; b++) {
      if (!row[b]) continue;
      var x0 = X(D.t0 + b * w), x1 = X(D.t0 + (b + 1) * w);
      if (x1 < LABEL_W || x0 > LABEL_W + plotW) continue;
      var op = 0.15 + 0.85 * Math.log(1 + row[b]) / Math.log(1 + max);
      if (last && x0 < lastX + 1) {
        last.setAttribute('width', Math.max(1, x1 - Number(last.getAttribute('x'))));
        if (op > Number(last.getAttribute('fill-opacity'))) last.setAttribute('fill-opacity', op.toFixed(2));
        last.setAttribute('data-count', Number(last.getAttribute('data-count')) + row[b]);
      } else {
        last = el('rect', {'class': 'density', x: clampX(x0), y: y + LANE_H - 6, height: 6,
                           width: Math.max(1, clampX(x1) - clampX(x0)), 'fill-opacity': op.toFixed(2),
                           'data-count': row[b]}, g);
      }
      lastX = x1;
    }
  }

  /* the visible ops of a lane: first index whose running max end >= v0 */
  function firstVisible(l) {
    var lo = 0, hi = l.ops.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (l.maxEnd[mid] < v0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function drawOps(l, y, g) {
    var last = null, lastR = -1, lastCount = 0, raceRects = [];
    for (var j = firstVisible(l); j < l.ops.length; j++) {
      var i = l.ops[j], o = D.ops[i];
      if (o[OP.S] > v1) break;
      var kind = D.kinds[o[OP.KIND]] || '?';
      var x0 = X(o[OP.S]), x1 = X(o[OP.S] + o[OP.D]);
      var r = role[i];
      if (r) { raceRects.push([i, kind, x0, x1, r]); continue; }
      if (last && x1 - x0 < 1.5 && x0 <= lastR + 0.5) {
        /* below a pixel, next to the previous rect: merge into it */
        lastCount++;
        last.setAttribute('data-count', lastCount);
        if (last.getAttribute('data-kind') !== kind) last.setAttribute('data-kind', 'mixed');
        last.setAttribute('class', 'op dense');
        var nr = Math.max(lastR, x1);
        last.setAttribute('width', Math.max(1, clampX(nr) - Number(last.getAttribute('x'))));
        lastR = Math.max(nr, Number(last.getAttribute('x')) + 1);
        continue;
      }
      var instant = o[OP.D] === 0 && o[OP.KIND] > 3;
      var rx = clampX(x0), rw = Math.max(1, clampX(x1) - rx);
      last = el('rect', {'class': instant ? 'op instant' : 'op', 'data-kind': kind, 'data-i': i,
                         x: rx, y: instant ? y + 5 : y + 2, width: rw,
                         height: instant ? LANE_H - 10 : LANE_H - 4}, g);
      lastCount = 1;
      lastR = rx + rw;
    }
    raceRects.forEach(function (q) {
      var rx = clampX(q[2]), rw = Math.max(3, clampX(q[3]) - rx);
      el('rect', {'class': 'op ' + q[4], 'data-kind': q[1], 'data-i': q[0],
                  x: rx, y: y + 1, width: rw, height: LANE_H - 2}, g);
    });
  }

  function drawEvacs(g) {
    var lastX = {};
    D.evacs.forEach(function (e, n) {
      var l = lanes[e[0]];
      if (!l || e[1] < v0 || e[1] > v1) return;
      var x = Math.floor(X(e[1]));
      if (lastX[e[0]] === x) return;
      lastX[e[0]] = x;
      el('rect', {'class': 'evac', 'data-e': n, x: x, y: laneY(l), width: 1, height: 5}, g);
    });
  }

  /* lock waits (libmap:lock_wait): a thin bar at the bottom of the lane */
  function drawWaits(g) {
    (D.waits || []).forEach(function (w, n) {
      var l = lanes[w[0]];
      if (!l || w[1] + w[2] < v0 || w[1] > v1) return;
      var x0 = clampX(X(w[1])), x1 = clampX(X(w[1] + w[2]));
      el('rect', {'class': 'wait' + (w[3] ? ' write' : ''), 'data-w': n, x: x0, y: laneY(l) + LANE_H - 4,
                  width: Math.max(1, x1 - x0), height: 4}, g);
    });
  }

  function drawGrows(g, H) {
    D.grows.forEach(function (gr, n) {
      if (gr[3] < v0 || gr[2] > v1) return;
      var x0 = clampX(X(gr[2])), x1 = clampX(X(gr[3]));
      el('rect', {'class': 'grow', 'data-g': n, x: x0, y: AXIS_H - 4, width: Math.max(1, x1 - x0),
                  height: H - AXIS_H + 4}, g);
      if (x1 - x0 > 70) {
        var t = el('text', {'class': 'grow-label', x: x0 + 3, y: H + 11}, g);
        t.textContent = 'grow B ' + gr[4] + '\u2192' + gr[5] + (gr[6] ? ' same-size' : '');
      }
    });
  }

  function render() {
    var W = Math.max(640, chart.clientWidth || window.innerWidth - 24);
    plotW = W - LABEL_W - PAD_R;
    k = plotW / (v1 - v0);
    var H = lanesBottom() + 14;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute('width', W);
    svg.setAttribute('height', H);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var defs = el('defs', {}, svg);
    var cp = el('clipPath', {id: 'plot-clip'}, defs);
    el('rect', {x: LABEL_W, y: 0, width: plotW, height: H}, cp);
    drawAxis(svg, lanesBottom());

    var bgs = el('g', {id: 'lane-bgs'}, svg);
    order.forEach(function (l) {
      var y = laneY(l);
      el('rect', {'class': 'lane-bg' + (l.row % 2 ? ' odd' : ''), x: 0, y: y, width: W, height: LANE_H}, bgs);
    });
    var plot = el('g', {'clip-path': 'url(#plot-clip)'}, svg);
    drawGrows(el('g', {id: 'grows'}, plot), lanesBottom());
    if (D.race && lanes[D.ops[D.race.a][OP.LANE]] && lanes[D.ops[D.race.b][OP.LANE]]) {
      var ra = lanes[D.ops[D.race.a][OP.LANE]], rb = lanes[D.ops[D.race.b][OP.LANE]];
      var top = Math.min(laneY(ra), laneY(rb)), bot = Math.max(laneY(ra), laneY(rb)) + LANE_H;
      /* oe < os: no overlap within the trace; shade the gap instead */
      var ox = X(Math.min(D.race.os, D.race.oe)), oe = X(Math.max(D.race.os, D.race.oe));
      el('rect', {id: 'overlap', 'class': D.race.oe < D.race.os ? 'gap' : 'overlap', x: clampX(ox - 1), y: top - 2,
                  width: Math.max(3, clampX(oe + 1) - clampX(ox - 1)), height: bot - top + 4}, plot);
    }
    order.forEach(function (l) {
      var y = laneY(l);
      var g = el('g', {'class': 'lane', 'data-tid': l.tid, 'data-pid': l.pid}, svg);
      var label = el('text', {'class': 'lane-label', x: 6, y: y + LANE_H / 2 + 4}, g);
      label.textContent = String(l.tid) + ' ';
      var pn = el('tspan', {'class': 'pname'}, label);
      pn.textContent = l.name + (order.length > 1 && lanes.some(function (o) { return o.pid !== l.pid; })
                                 ? ' [' + l.pid + ']' : '');
      var ops = el('g', {'class': 'ops', 'clip-path': 'url(#plot-clip)'}, g);
      drawDensity(l, y, ops);
      drawOps(l, y, ops);
    });
    var marks = el('g', {id: 'marks', 'clip-path': 'url(#plot-clip)'}, svg);
    drawEvacs(marks);
    drawWaits(marks);
    if (D.panic) {
      var px = X(D.panic.ts);
      el('line', {id: 'panic-mark', x1: px, x2: px, y1: AXIS_H - 6, y2: lanesBottom() + 10}, marks);
      var right = px > LABEL_W + plotW - 40;
      var pt = el('text', {'class': 'panic-label', x: right ? px - 4 : px + 4, y: lanesBottom() + 10,
                           'text-anchor': right ? 'end' : 'start'}, marks);
      pt.textContent = 'panic';
    }
    document.getElementById('range').textContent =
        'view ' + fmtDur(Math.max(v0, 0)) + ' \u2013 ' + fmtDur(v1) + ' (' + fmtDur(v1 - v0) + ')';
  }

  /* zoom */
  function setView(a, b) {
    var minSpan = 10;
    if (b - a < minSpan) { var c = (a + b) / 2; a = c - minSpan / 2; b = c + minSpan / 2; }
    var maxSpan = (full[1] - full[0]) * 4;
    if (b - a > maxSpan) { a = full[0]; b = full[1]; }
    v0 = a; v1 = b;
    render();
  }
  function zoomAt(t, f) { setView(t - (t - v0) * f, t + (v1 - t) * f); }
  function raceWindow() {
    if (D.race) {
      var a = D.ops[D.race.a], b = D.ops[D.race.b];
      var s = Math.min(a[OP.S], b[OP.S]), e = Math.max(a[OP.S] + a[OP.D], b[OP.S] + b[OP.D]);
      var m = Math.max((e - s) * 0.5, 200);
      return [s - m, e + m];
    }
    if (D.panic) return [D.panic.ts - 5000, D.panic.ts + 1000];
    return null;
  }
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect();
    var x = Math.max(LABEL_W, e.clientX - r.left);
    zoomAt(T(x), e.deltaY < 0 ? 1 / 1.25 : 1.25);
  }, {passive: false});
  document.getElementById('zoom-in').onclick = function () { zoomAt((v0 + v1) / 2, 0.5); };
  document.getElementById('zoom-out').onclick = function () { zoomAt((v0 + v1) / 2, 2); };
  document.getElementById('reset').onclick = function () { setView(full[0], full[1]); };
  var rw = raceWindow();
  var rb = document.getElementById('zoom-race');
  if (rw) rb.onclick = function () { setView(rw[0], rw[1]); }; else rb.disabled = true;

  var drag = null;
  svg.addEventListener('mousedown', function (e) {
    var r = svg.getBoundingClientRect(), x = e.clientX - r.left;
    if (x < LABEL_W || e.button !== 0) return;
    drag = {x: x, rect: el('rect', {id: 'selection', x: x, y: 0, width: 0, height: svg.getAttribute('height')}, svg)};
    e.preventDefault();
  });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect(), x = Math.max(LABEL_W, Math.min(LABEL_W + plotW, e.clientX - r.left));
    drag.rect.setAttribute('x', Math.min(x, drag.x));
    drag.rect.setAttribute('width', Math.abs(x - drag.x));
    drag.x1 = x;
  });
  window.addEventListener('mouseup', function () {
    if (!drag) return;
    var d = drag;
    drag = null;
    if (d.x1 !== undefined && Math.abs(d.x1 - d.x) > 4) setView(T(Math.min(d.x, d.x1)), T(Math.max(d.x, d.x1)));
    else if (d.rect.parentNode) d.rect.parentNode.removeChild(d.rect);
  });
  window.addEventListener('resize', render);

  /* hover details */
  function laneText(l) { return 'thread ' + l.tid + ' (' + l.name + ') pid ' + l.pid; }
  function opText(i) {
    var o = D.ops[i], l = lanes[o[OP.LANE]], kind = D.kinds[o[OP.KIND]] || '?';
    var lines = [laneText(l), kind + ' on map ' + mapName(o[OP.MAP]),
                 'start    ' + fmtDur(o[OP.S]), 'end      ' + fmtDur(o[OP.S] + o[OP.D]),
                 'duration ' + fmtDur(o[OP.D])];
    if (o[OP.KIND] <= 3) {
      var res = o[OP.RES];
      var what = res < 0 ? 'error ' + res : o[OP.KIND] === 1 ? (res ? 'inserted' : 'overwritten')
               : o[OP.KIND] === 2 ? (res ? 'deleted' : 'absent') : 'cleared';
      lines.push('result   ' + res + ' (' + what + ')', 'count    ' + o[OP.COUNT] + '   B ' + o[OP.B],
                 'hash     ' + fmtHex(o[OP.HASH]));
    } else if (o[OP.KIND] === 4) {
      lines.push('found    ' + o[OP.RES], 'hash     ' + fmtHex(o[OP.HASH]));
    }
    var r = partner[i];
    if (r) {
      var other = D.ops[r.a === i ? r.b : r.a], ol = lanes[other[OP.LANE]];
      lines.push((r.panic ? 'PANIC RACE' : 'RACE') + ' with thread ' + ol.tid + ' ('
                 + (D.kinds[other[OP.KIND]] || '?') + '), ' + (r.oe >= r.os ? 'overlap ' + fmtDur(r.oe - r.os)
                 : 'no overlap in the trace (' + fmtDur(r.os - r.oe) + ' apart)'));
    }
    lines.push('(start and end from the view origin)');
    return lines.join('\n');
  }
  function tipText(t) {
    if (t.id === 'panic-mark' && D.panic) {
      var p = D.panic;
      return 'panic: ' + p.message + '\nmap ' + mapName(p.map) + ' at ' + fmtDur(p.ts) +
             '\ndetected by thread ' + p.tid + ' (' + (D.kinds[p.op] || '?') + ')' +
             '\nwriter thread ' + p.writer_tid + ' (' + (D.kinds[p.writer_op] || '?') + ')' +
             (p.writer_held ? ', still writing' : ', had just finished');
    }
    var a = t.getAttribute && t.getAttribute('data-i');
    if (a !== null && a !== undefined) {
      var c = Number(t.getAttribute('data-count') || 1);
      return c > 1 ? c + ' operations in this pixel (zoom in)\nfirst:\n' + opText(Number(a)) : opText(Number(a));
    }
    var gi = t.getAttribute && t.getAttribute('data-g');
    if (gi !== null && gi !== undefined) {
      var g = D.grows[Number(gi)];
      return (g[6] ? 'same-size growth' : 'growth') + ' of map ' + mapName(g[0]) + ': B ' + g[4] + ' \u2192 ' + g[5] +
             '\nstarted by thread ' + lanes[g[1]].tid + ' at ' + fmtDur(g[2]) + ' with ' + g[7] + ' entries' +
             '\n' + (g[9] ? 'done' : 'not finished in the trace') + ' at ' + fmtDur(g[3]) +
             ' (' + fmtDur(g[3] - g[2]) + '), ' + g[8] + ' old buckets';
    }
    var ei = t.getAttribute && t.getAttribute('data-e');
    if (ei !== null && ei !== undefined) {
      var e = D.evacs[Number(ei)];
      return 'evacuation on map ' + mapName(e[2]) + ' by thread ' + lanes[e[0]].tid + ' at ' + fmtDur(e[1]) +
             '\nprogress ' + e[3] + ' / ' + e[4] + ' old buckets';
    }
    var wi = t.getAttribute && t.getAttribute('data-w');
    if (wi !== null && wi !== undefined) {
      var w = D.waits[Number(wi)];
      return 'lock wait (' + (w[3] ? 'write' : 'read') + ') by thread ' + lanes[w[0]].tid +
             '\non ' + (w[5] === 2 ? 'libmap_shard ' : 'libmap_sync ') + w[4] + (w[5] === 2 ? ' shard ' + w[6] : '') +
             ' (map ' + mapName(w[7]) + ')\nfrom ' + fmtDur(w[1]) + ', waited ' + fmtDur(w[2]);
    }
    if (t.getAttribute && t.getAttribute('class') === 'density')
      return t.getAttribute('data-count') + ' operations here (aggregated)';
    return null;
  }
  svg.addEventListener('mousemove', function (e) {
    var s = drag ? null : tipText(e.target);
    if (!s) { tip.hidden = true; return; }
    tip.textContent = s;
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = e.clientX - tip.offsetWidth - 8;
    if (y + tip.offsetHeight > window.innerHeight) y = e.clientY - tip.offsetHeight - 8;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.hidden = true; });

  /* legend */
  var legend = document.getElementById('legend');
  [['assign', '#4e79a7'], ['delete', '#f28e2b'], ['clear', '#b07aa1'], ['lookup', '#76b7b2'],
   ['iteration', '#59a14f'], ['new / free', '#9c755f'], ['race', '#e0245e'], ['grow', '#edc948'],
   ['evacuation', '#b8962e'], ['lock wait', '#8c8c8c'], ['panic', '#c00']].forEach(function (p) {
    var s = document.createElement('span'), i = document.createElement('i');
    i.style.background = p[1];
    s.appendChild(i);
    s.appendChild(document.createTextNode(p[0]));
    legend.appendChild(s);
  });

  /* open on the race when there is one; Reset shows everything */
  if (rw) setView(rw[0], rw[1]); else render();
})();
