#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// winagg-ref.js -- an independent, deliberately plain computation of
// winagg's output, for the tests to compare against.
//
//   node winagg-ref.js --size MS [--slide MS] [--offset MS] [--watermark MS]
//        [--key a,b] [--time ts] [--agg SPEC] [--emit append|update]
//        [--late FILE] < ticks.ndjson > rows.ndjson
//   node winagg-ref.js --compare A B     rows equal, numbers within 1e-9
//
// Durations are plain numbers in the input's time unit. Events are taken
// in arrival order: an event is late when every window holding it ends at
// or before the watermark of the events before it; otherwise it is
// appended to each window holding it that is still open. Windows keep
// their events as lists and aggregates are computed from the lists at the
// end (append) or after each event (update), so nothing here shares the
// pane arithmetic of the C program.
'use strict';
const fs = require('fs');

function parseArgs(argv) {
	const o = { size: 60000, slide: 0, offset: 0, watermark: 0, key: ['symbol'],
		time: 'ts', agg: null, emit: 'append', late: null, compare: null };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i], v = argv[i + 1];
		switch (a) {
		case '--size': o.size = Number(v); i++; break;
		case '--slide': o.slide = Number(v); i++; break;
		case '--offset': o.offset = Number(v); i++; break;
		case '--watermark': o.watermark = Number(v); i++; break;
		case '--key': o.key = v === '' ? [] : v.split(','); i++; break;
		case '--time': o.time = v; i++; break;
		case '--agg': o.agg = v; i++; break;
		case '--emit': o.emit = v; i++; break;
		case '--late': o.late = v; i++; break;
		case '--compare': o.compare = [v, argv[i + 2]]; i += 2; break;
		default: throw new Error('unknown argument ' + a);
		}
	}
	if (!o.slide) o.slide = o.size;
	return o;
}

function parseAggs(spec) {
	const out = [];
	const re = /^\s*([a-z_]+)\s*\(\s*([^()]*?)\s*\)\s*(?:as\s+([^\s,()]+))?\s*(,|$)/;
	let rest = spec;
	while (rest.trim() !== '') {
		const m = re.exec(rest);
		if (!m) throw new Error('bad --agg at ' + rest);
		const args = m[2] === '' ? [] : m[2].split(/\s*,\s*/);
		const fn = m[1] === 'stddev' ? 'stddev_samp' : m[1];
		out.push({ fn, args, name: m[3] || [m[1], ...args].join('_') });
		rest = rest.slice(m[0].length);
	}
	return out;
}

const DEFAULT_AGG = 'first(price) as open, max(price) as high, min(price) as low, ' +
	'last(price) as close, sum(size) as volume, vwap(price,size) as vwap, count() as count';

function aggregate(a, evs) {
	const xs = a.args.length ? evs.map(e => Number(e.obj[a.args[0]])) : [];
	const n = evs.length;
	switch (a.fn) {
	case 'count': return n;
	case 'sum': return xs.reduce((s, x) => s + x, 0);
	case 'avg': return xs.reduce((s, x) => s + x, 0) / n;
	case 'min': return Math.min(...xs);
	case 'max': return Math.max(...xs);
	case 'first': {
		let b = 0;
		for (let i = 1; i < n; i++) if (evs[i].t < evs[b].t) b = i;
		return xs[b];
	}
	case 'last': {
		let b = 0;
		for (let i = 1; i < n; i++) if (evs[i].t >= evs[b].t) b = i;
		return xs[b];
	}
	case 'vwap': {
		let pq = 0, q = 0;
		evs.forEach((e, i) => { const w = Number(e.obj[a.args[1]]); pq += xs[i] * w; q += w; });
		return q === 0 ? null : pq / q;
	}
	case 'stddev_samp':
	case 'stddev_pop': {
		const mean = xs.reduce((s, x) => s + x, 0) / n;
		const ss = xs.reduce((s, x) => s + (x - mean) * (x - mean), 0);
		if (a.fn === 'stddev_samp') return n < 2 ? null : Math.sqrt(ss / (n - 1));
		return Math.sqrt(ss / n);
	}
	}
	throw new Error('unknown aggregate ' + a.fn);
}

function row(o, aggs, w) {
	const r = {};
	o.key.forEach((k, i) => { r[k] = w.keyvals[i]; });
	r.window_start = w.start;
	r.window_end = w.start + o.size;
	for (const a of aggs) r[a.name] = aggregate(a, w.events);
	return JSON.stringify(r);
}

function run(o) {
	const aggs = parseAggs(o.agg || DEFAULT_AGG);
	const lines = fs.readFileSync(0, 'utf8').split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	const windows = new Map();
	const late = [];
	const out = [];
	let wm = null, maxT = null;
	for (const line of lines) {
		const obj = JSON.parse(line);
		const t = obj[o.time];
		const keyvals = o.key.map(k => obj[k]);
		const ktext = keyvals.map(v => JSON.stringify(v) + ',').join('');
		const starts = [];
		for (let s = Math.floor((t - o.offset) / o.slide) * o.slide + o.offset; s + o.size > t; s -= o.slide)
			starts.push(s);
		starts.reverse();
		const open = starts.filter(s => wm === null || s + o.size > wm);
		if (open.length === 0) {
			late.push(line);
			continue;
		}
		for (const s of open) {
			const id = ktext + '|' + s;
			let w = windows.get(id);
			if (!w) {
				w = { ktext, keyvals, start: s, events: [] };
				windows.set(id, w);
			}
			w.events.push({ t, obj });
			if (o.emit === 'update') out.push(row(o, aggs, w));
		}
		if (maxT === null || t > maxT) maxT = t;
		if (wm === null || maxT - o.watermark > wm) wm = maxT - o.watermark;
	}
	if (o.emit === 'append') {
		const ws = [...windows.values()];
		ws.sort((a, b) => (a.start - b.start) ||
			Buffer.compare(Buffer.from(a.ktext), Buffer.from(b.ktext)));
		for (const w of ws) out.push(row(o, aggs, w));
	}
	process.stdout.write(out.map(l => l + '\n').join(''));
	if (o.late) fs.writeFileSync(o.late, late.map(l => l + '\n').join(''));
}

// Compare two row files: same number of rows, same fields in the same
// order, equal strings, numbers equal within 1e-9 (relative). Prints the
// first difference and exits 1.
function compare(fa, fb) {
	const read = f => fs.readFileSync(f, 'utf8').split('\n').filter(l => l !== '');
	const A = read(fa), B = read(fb);
	const close = (x, y) => x === y || (typeof x === 'number' && typeof y === 'number' &&
		Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y)));
	if (A.length !== B.length) {
		console.error(`row counts differ: ${A.length} vs ${B.length}`);
		process.exit(1);
	}
	for (let i = 0; i < A.length; i++) {
		const a = JSON.parse(A[i]), b = JSON.parse(B[i]);
		const ka = Object.keys(a), kb = Object.keys(b);
		if (ka.join() !== kb.join() || !ka.every(k => close(a[k], b[k]))) {
			console.error(`row ${i + 1} differs:\n  ${A[i]}\n  ${B[i]}`);
			process.exit(1);
		}
	}
	console.log(`${A.length} rows agree`);
}

const o = parseArgs(process.argv.slice(2));
if (o.compare) compare(o.compare[0], o.compare[1]);
else run(o);
