// SPDX-License-Identifier: MIT
// app.js -- the mktpipe live dashboard: candlesticks with fast/slow moving
// averages and volume from window rows, crossover alerts, a trend badge per
// symbol, and scored news, all streamed from wshub(1) over one WebSocket.
//
// The page subscribes to three channels (default "bars", "alerts", "news";
// see wshub(1)) and tells records apart by their shape, so it works with
// any channel scheme: an article has "title" and "url", an alert has
// "signal" (or an alert "type"), a bar has the open/high/low/close fields.
// Every name is a URL parameter: ?channels=bars,alerts,news&open=open&
// high=high,max_price&low=low,min_price&close=close,avg_price&
// volume=volume,total_volume&fast=fast&slow=slow&time=window_start&
// symbol_field=symbol&news_time=published_at,crawled_at&symbol=AAPL&
// max_alerts=200&max_news=100&ws=ws://host:port/ws. A list means the
// first field present wins. window.__dash exposes the state for tests.
'use strict';
(function () {
  const q = new URLSearchParams(location.search);
  const list = (name, def) => (q.get(name) || def).split(',').map((s) => s.trim()).filter(Boolean);
  const count = (name, def) => { const n = Number(q.get(name)); return Number.isInteger(n) && n > 0 ? n : def; };
  const cfg = {
    ws: q.get('ws') || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    channels: list('channels', 'bars,alerts,news'),
    open: list('open', 'open'),
    high: list('high', 'high,max_price'),
    low: list('low', 'low,min_price'),
    close: list('close', 'close,avg_price'),
    volume: list('volume', 'volume,total_volume,sum_size'),
    fast: list('fast', 'fast'),
    slow: list('slow', 'slow'),
    time: list('time', 'window_start,ts'),
    symbol: list('symbol_field', 'symbol'),
    alertTime: list('alert_time', 'ts,window_start,window_end'),
    alertPrice: list('alert_price', 'price,close,avg_price'),
    newsTime: list('news_time', 'published_at,crawled_at,ts'),
    maxAlerts: count('max_alerts', 200),
    maxNews: count('max_news', 100),
  };
  const ALERT_TYPES = /^(golden_cross|death_cross|breakout_up|breakout_down|high_volume|cross_up|cross_down)$/;
  const $ = (id) => document.getElementById(id);

  const pick = (rec, names) => {
    for (const n of names) if (rec[n] !== undefined && rec[n] !== null) return rec[n];
    return undefined;
  };
  const num = (v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  // Epoch seconds from epoch ms (or s, us, ns by magnitude) or an RFC 3339 string.
  const toSec = (v) => {
    if (typeof v === 'string') {
      const n = Number(v);
      if (!Number.isFinite(n)) { const t = Date.parse(v); return Number.isFinite(t) ? Math.floor(t / 1000) : NaN; }
      v = n;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return NaN;
    if (v > 1e17) return Math.floor(v / 1e9);
    if (v > 1e14) return Math.floor(v / 1e6);
    if (v > 1e11) return Math.floor(v / 1e3);
    return Math.floor(v);
  };
  const fmt = (v, d = 2) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');
  const hhmmss = (sec) => (Number.isFinite(sec) ? new Date(sec * 1000).toISOString().slice(11, 19) : '–');

  // ---- state
  const state = {
    symbols: [],            // in order of first sight
    bars: new Map(),        // symbol -> Map(time -> {time, open, high, low, close, volume, fast, slow})
    trend: new Map(),       // symbol -> {signal, from}
    // The alerts and the articles listed, newest first, at most maxAlerts and
    // maxNews; the keys of those listed (a record met again, as when the hub
    // sends a channel's history after a reconnect, is not listed twice); and
    // the time of the newest one dropped off each list: a record no newer is
    // not listed again either, so the key sets stay as small as the lists.
    alerts: [],
    alertKeys: new Set(),
    alertFloor: -Infinity,
    news: [],
    newsKeys: new Set(),
    newsFloor: -Infinity,
    selected: q.get('symbol') || null,
    connected: false,
    connects: 0,
    received: 0,
  };

  // ---- chart
  const LC = window.LightweightCharts;
  const chart = LC.createChart($('chart'), {
    autoSize: true,
    layout: { background: { type: 'solid', color: '#161b22' }, textColor: '#8b949e', fontSize: 12 },
    grid: { vertLines: { color: '#1f2530' }, horzLines: { color: '#1f2530' } },
    rightPriceScale: { borderColor: '#262c36', scaleMargins: { top: 0.08, bottom: 0.26 } },
    timeScale: { borderColor: '#262c36', timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
  });
  const candles = chart.addCandlestickSeries({
    upColor: '#26a69a', downColor: '#ef5350', borderVisible: false,
    wickUpColor: '#26a69a', wickDownColor: '#ef5350',
  });
  const fastLine = chart.addLineSeries({ color: '#f5a623', lineWidth: 2, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  const slowLine = chart.addLineSeries({ color: '#5b9cf6', lineWidth: 2, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  const volume = chart.addHistogramSeries({ priceFormat: { type: 'volume' }, priceScaleId: 'vol', lastValueVisible: false, priceLineVisible: false });
  chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const shown = { symbol: null, last: -Infinity, candles: 0, fast: 0, slow: 0, volume: 0 };

  const volPoint = (b) => ({ time: b.time, value: b.volume, color: b.close >= b.open ? 'rgba(38,166,154,.45)' : 'rgba(239,83,80,.45)' });

  function redraw() {
    const sym = state.selected;
    const rows = sym && state.bars.has(sym) ? [...state.bars.get(sym).values()].sort((a, b) => a.time - b.time) : [];
    const cd = rows.map((b) => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close }));
    const fd = rows.filter((b) => Number.isFinite(b.fast)).map((b) => ({ time: b.time, value: b.fast }));
    const sd = rows.filter((b) => Number.isFinite(b.slow)).map((b) => ({ time: b.time, value: b.slow }));
    const vd = rows.filter((b) => Number.isFinite(b.volume)).map(volPoint);
    candles.setData(cd); fastLine.setData(fd); slowLine.setData(sd); volume.setData(vd);
    const switched = shown.symbol !== sym;
    drawMarkers();
    Object.assign(shown, { symbol: sym, last: rows.length ? rows[rows.length - 1].time : -Infinity, candles: cd.length, fast: fd.length, slow: sd.length, volume: vd.length });
    if (switched) fitView();
    $('chart-title').textContent = sym ? `${sym} · price` : 'Price';
    updateLast();
  }

  // A symbol just shown: all of its bars when they fill the chart, else
  // bars at their usual width from the right edge, so that a page opened
  // on a young stream is not zoomed in on its first few bars for good.
  const BAR_SPACING = 8;
  function fitView() {
    const ts = chart.timeScale();
    if (shown.candles * BAR_SPACING > $('chart').clientWidth) {
      ts.fitContent();
    } else {
      ts.applyOptions({ barSpacing: BAR_SPACING });
      ts.scrollToRealTime();
    }
  }

  // A bar of the selected symbol: append or replace the last point cheaply,
  // redraw everything when it lands in the past.
  function drawBar(b, isNew) {
    if (b.time < shown.last) return redraw();
    candles.update({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close });
    if (Number.isFinite(b.fast)) { fastLine.update({ time: b.time, value: b.fast }); if (isNew || b.time > shown.last) shown.fast++; }
    if (Number.isFinite(b.slow)) { slowLine.update({ time: b.time, value: b.slow }); if (isNew || b.time > shown.last) shown.slow++; }
    if (Number.isFinite(b.volume)) { volume.update(volPoint(b)); if (isNew) shown.volume++; }
    if (b.time > shown.last) shown.candles++;
    shown.last = b.time;
    updateLast();
  }

  // Alerts of the selected symbol as arrows on the candles.
  function drawMarkers() {
    const sym = state.selected;
    const times = [...(state.bars.get(sym) || new Map()).keys()].sort((x, y) => x - y);
    // the bar an alert belongs to: the last one starting before its time
    // (an alert stamped with its window's end falls on that window)
    const barOf = (t) => {
      let lo = 0, hi = times.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
      return lo ? times[lo - 1] : t;
    };
    const ms = state.alerts.filter((a) => a.symbol === sym && Number.isFinite(a.time))
      .map((a) => {
        const up = a.signal === 'BULLISH';
        const t = barOf(a.time);
        return { time: t, position: up ? 'belowBar' : 'aboveBar', color: up ? '#26a69a' : '#ef5350', shape: up ? 'arrowUp' : 'arrowDown', text: up ? 'B' : 'S' };
      })
      .sort((x, y) => x.time - y.time);
    candles.setMarkers(ms);
  }

  function updateLast() {
    const sym = state.selected;
    const m = sym && state.bars.get(sym);
    const el = $('last');
    el.textContent = '';
    if (!m || !m.size) return;
    let b = null;
    for (const v of m.values()) if (!b || v.time > b.time) b = v;
    const parts = [['O', b.open], ['H', b.high], ['L', b.low], ['C', b.close], ['fast', b.fast], ['slow', b.slow]];
    for (const [k, v] of parts) {
      el.append(`${k} `);
      const s = document.createElement('b'); s.textContent = fmt(v); el.append(s, '  ');
    }
  }

  // ---- symbols, picker, trend badges
  function seeSymbol(sym) {
    if (state.symbols.includes(sym)) return;
    state.symbols.push(sym);
    const o = document.createElement('option');
    o.value = sym; o.textContent = sym;
    $('symbol').append(o);
    if (!state.selected) state.selected = sym;
    if (state.selected === sym) { $('symbol').value = sym; redraw(); }
    renderTrends();
  }

  function select(sym) {
    state.selected = sym;
    $('symbol').value = sym;
    redraw();
    renderTrends();
  }
  $('symbol').addEventListener('change', (e) => select(e.target.value));

  // Trend of a symbol: the signal of its last alert, else fast against slow
  // on its latest bar.
  function trendOf(sym) {
    const t = state.trend.get(sym);
    if (t) return t.signal === 'BULLISH' ? 'bullish' : t.signal === 'BEARISH' ? 'bearish' : 'neutral';
    const m = state.bars.get(sym);
    if (!m || !m.size) return 'neutral';
    let b = null;
    for (const v of m.values()) if (!b || v.time > b.time) b = v;
    if (!Number.isFinite(b.fast) || !Number.isFinite(b.slow)) return 'neutral';
    return b.fast > b.slow ? 'bullish' : b.fast < b.slow ? 'bearish' : 'neutral';
  }

  function renderTrends() {
    const box = $('trends');
    box.textContent = '';
    for (const sym of state.symbols) {
      const tr = trendOf(sym);
      const el = document.createElement('button');
      el.type = 'button';
      el.className = `trend ${tr}${sym === state.selected ? ' selected' : ''}`;
      el.dataset.symbol = sym;
      el.dataset.trend = tr;
      const b = document.createElement('b'); b.textContent = sym;
      el.append(b, tr === 'bullish' ? '▲ bullish' : tr === 'bearish' ? '▼ bearish' : '● neutral');
      el.addEventListener('click', () => select(sym));
      box.append(el);
    }
  }

  // ---- records
  function onBar(r, sym) {
    const time = toSec(pick(r, cfg.time));
    const b = {
      time, open: num(pick(r, cfg.open)), high: num(pick(r, cfg.high)), low: num(pick(r, cfg.low)),
      close: num(pick(r, cfg.close)), volume: num(pick(r, cfg.volume)),
      fast: num(pick(r, cfg.fast)), slow: num(pick(r, cfg.slow)),
    };
    if (!Number.isFinite(time) || ![b.open, b.high, b.low, b.close].every(Number.isFinite)) return;
    if (!state.bars.has(sym)) state.bars.set(sym, new Map());
    const m = state.bars.get(sym);
    const isNew = !m.has(time);
    m.set(time, b);
    if (m.size > 5000) m.delete(m.keys().next().value);
    seeSymbol(sym);
    if (sym === state.selected) drawBar(b, isNew);
    if (!state.trend.has(sym)) renderTrends();
  }

  function onAlert(r, sym) {
    const time = toSec(pick(r, cfg.alertTime));
    const key = `${sym}|${time}|${r.type}|${r.signal}`;
    if (state.alertKeys.has(key) || time <= state.alertFloor) return;
    state.alertKeys.add(key);
    const a = {
      key, time, symbol: sym, type: String(r.type || ''), signal: String(r.signal || ''),
      price: num(pick(r, cfg.alertPrice)), fast: num(pick(r, cfg.fast)), slow: num(pick(r, cfg.slow)),
    };
    state.alerts.unshift(a);
    if (state.alerts.length > cfg.maxAlerts) {
      const old = state.alerts.pop();
      state.alertKeys.delete(old.key);
      if (old.time > state.alertFloor) state.alertFloor = old.time;
    }
    const prev = state.trend.get(sym);
    if (!prev || !(prev.time > time)) state.trend.set(sym, { signal: a.signal, time });
    seeSymbol(sym);
    const tr = document.createElement('tr');
    tr.className = 'fresh';
    const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.append(td); return td; };
    cell(hhmmss(time));
    cell(sym);
    const sig = document.createElement('span'); sig.className = `sig ${a.signal}`; sig.textContent = a.signal || '–';
    cell('').append(sig);
    cell(a.type.replace(/_/g, ' '));
    cell(fmt(a.price), 'num');
    cell(`${fmt(a.fast)} / ${fmt(a.slow)}`, 'num');
    const body = $('alerts').tBodies[0];
    body.prepend(tr);
    while (body.rows.length > cfg.maxAlerts) body.deleteRow(-1);
    $('alert-count').textContent = String(state.alerts.length);
    $('alerts-empty').hidden = true;
    if (sym === state.selected) drawMarkers();
    renderTrends();
  }

  function onArticle(r) {
    const key = String(r.url || r.title);
    const time = toSec(pick(r, cfg.newsTime));
    if (state.newsKeys.has(key) || time <= state.newsFloor) return;
    state.newsKeys.add(key);
    const s = r.sentiment && typeof r.sentiment === 'object' ? r.sentiment : {};
    const label = ['bullish', 'bearish', 'neutral'].includes(s.label) ? s.label : 'neutral';
    const item = { key, time, title: String(r.title), url: String(r.url || ''), source: String(r.source || ''), label, score: num(s.score), symbols: Array.isArray(r.symbols) ? r.symbols.map(String) : [] };
    state.news.unshift(item);
    if (state.news.length > cfg.maxNews) {
      const old = state.news.pop();
      state.newsKeys.delete(old.key);
      if (old.time > state.newsFloor) state.newsFloor = old.time;
    }
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.textContent = item.title;
    if (/^https?:\/\//i.test(item.url)) { a.href = item.url; a.target = '_blank'; a.rel = 'noopener noreferrer'; }
    const meta = document.createElement('div'); meta.className = 'meta';
    const badge = document.createElement('span'); badge.className = `badge ${label}`;
    badge.textContent = Number.isFinite(item.score) ? `${label} ${item.score >= 0 ? '+' : ''}${item.score.toFixed(2)}` : label;
    meta.append(badge);
    if (item.source) { const src = document.createElement('span'); src.textContent = item.source; meta.append(src); }
    for (const t of item.symbols.slice(0, 6)) { const s2 = document.createElement('span'); s2.className = 'tick'; s2.textContent = `$${t}`; meta.append(s2); }
    li.append(a, meta);
    const ul = $('news');
    ul.prepend(li);
    while (ul.children.length > cfg.maxNews) ul.lastChild.remove();
    $('news-count').textContent = String(state.news.length);
    $('news-empty').hidden = true;
  }

  function onRecord(r) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) return;
    state.received++;
    if (typeof r.title === 'string' && ('url' in r || 'sentiment' in r)) return onArticle(r);
    const sym = pick(r, cfg.symbol);
    if (sym === undefined) return;
    if ('signal' in r || (typeof r.type === 'string' && ALERT_TYPES.test(r.type))) return onAlert(r, String(sym));
    if (pick(r, cfg.open) !== undefined && pick(r, cfg.close) !== undefined) return onBar(r, String(sym));
  }

  // ---- connection: reconnect with backoff, then subscribe again (which
  // brings each channel's history; duplicates are recognised by key)
  let attempt = 0;
  let timer = null;
  function setConn(s, text) {
    $('conn').dataset.state = s;
    $('conn-text').textContent = text;
  }
  function connect() {
    setConn('connecting', attempt ? 'reconnecting…' : 'connecting…');
    let ws;
    try { ws = new WebSocket(cfg.ws); } catch (e) { return retry(); }
    ws.onopen = () => {
      attempt = 0;
      state.connected = true;
      state.connects++;
      setConn('live', 'live');
      ws.send(JSON.stringify({ type: 'subscribe', channels: cfg.channels }));
    };
    ws.onmessage = (ev) => {
      let r;
      try { r = JSON.parse(ev.data); } catch (e) { return; }
      if (r && (r.type === 'error' || r.type === 'pong') && Object.keys(r).length <= 2) return;
      onRecord(r);
    };
    ws.onclose = () => {
      state.connected = false;
      retry();
    };
    ws.onerror = () => {};
  }
  function retry() {
    if (timer) return;
    const delay = Math.min(10000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt = Math.min(attempt + 1, 10);
    let left = Math.ceil(delay / 1000);
    setConn('down', `offline · retry in ${left}s`);
    const tickId = setInterval(() => { left = Math.max(0, left - 1); setConn('down', `offline · retry in ${left}s`); }, 1000);
    timer = setTimeout(() => { clearInterval(tickId); timer = null; connect(); }, delay);
  }

  window.__dash = {
    cfg, state, chart,
    // Points in the chart's series now, as the chart itself holds them.
    series() {
      const count = (s, n) => (typeof s.data === 'function' ? s.data().length : n);
      return {
        symbol: shown.symbol,
        candles: count(candles, shown.candles),
        fast: count(fastLine, shown.fast),
        slow: count(slowLine, shown.slow),
        volume: count(volume, shown.volume),
        lastCandle: typeof candles.data === 'function' ? candles.data().slice(-1)[0] || null : null,
      };
    },
    select,
  };
  connect();
})();
