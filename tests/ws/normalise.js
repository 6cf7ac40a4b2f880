#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// normalise.js -- the benchmark's anchor: a Node `ws` client doing what
// mkt-ws --preset massive does with trades, the way one would write it in
// JavaScript: authenticate, subscribe in one message, JSON.parse each
// frame, map each "T" event to a tick record, JSON.stringify it, and
// write the frame's records to stdout. Stops after COUNT records.
//
//   MASSIVE_API_KEY=... node tests/ws/normalise.js URL SYMBOLS COUNT
'use strict';
const path = require('path');
const WebSocket = require(path.join(__dirname, '../../node_modules/ws'));

const [url, symbols, count] = process.argv.slice(2);
const want = +count;
let n = 0;
const ws = new WebSocket(url);
ws.on('message', (data) => {
	const evs = JSON.parse(data.toString());
	let out = '';
	for (const e of Array.isArray(evs) ? evs : [evs]) {
		if (e.ev === 'status') {
			if (e.status === 'connected')
				ws.send(JSON.stringify({ action: 'auth', params: process.env.MASSIVE_API_KEY }));
			else if (e.status === 'auth_success')
				ws.send(JSON.stringify({ action: 'subscribe', params: symbols.split(',').map((s) => 'T.' + s).join(',') }));
			continue;
		}
		if (e.ev !== 'T' || n >= want)
			continue;
		out += JSON.stringify({ type: 'trade', symbol: e.sym, price: e.p, size: e.s, ts: e.t, venue: 'massive' }) + '\n';
		n++;
	}
	if (out)
		process.stdout.write(out);
	if (n >= want) {
		ws.terminate();
		process.stdout.write('', () => process.exit(0));
	}
});
ws.on('error', (e) => { console.error('normalise.js: ' + e.message); process.exit(1); });
