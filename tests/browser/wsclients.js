// SPDX-License-Identifier: MIT
// wsclients.js -- WebSocket test clients for wshub (node, the ws package).
//
//   node wsclients.js URL OUTDIR SPEC...
//
// Opens one client per SPEC against URL (ws://HOST:PORT/ws) and writes every
// message it receives, one per line, to OUTDIR/<index>.ndjson. A SPEC is
//   q:A,B     subscribe through the URL query (?channel=A,B)
//   m:A,B     subscribe with {"type":"subscribe","channels":[...]} messages
//   s:A,B     subscribe with one {"type":"subscribe","channel":"A"} message
//             per channel (the seed's message)
//   slow:A    a raw TCP socket that does the upgrade and then never reads
//   try:A     connect, print "open" or "refused", and close at once
// Prints "ready" once every client is subscribed (message subscriptions are
// confirmed with a ping/pong round trip), and exits 0 when every reading
// client's connection has closed. Its own NDJSON pong replies are not
// written out.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const WebSocket = require(path.join(__dirname, '../../node_modules/ws'));

const [url, outdir, ...specs] = process.argv.slice(2);
if (!url || !outdir || !specs.length) {
	console.error('usage: node wsclients.js URL OUTDIR SPEC...');
	process.exit(2);
}
let pending = specs.length; // clients not yet subscribed
let open = 0;               // reading clients not yet closed
const ready = () => { if (--pending === 0) console.log('ready'); };

function reader(i, mode, chans) {
	const u = mode === 'q' ? `${url}?channel=${encodeURIComponent(chans)}` : url;
	const out = fs.openSync(path.join(outdir, `${i}.ndjson`), 'w');
	const ws = new WebSocket(u);
	open++;
	ws.on('open', () => {
		if (mode === 'q') return ready();
		if (mode === 's')
			for (const ch of chans.split(','))
				ws.send(JSON.stringify({ type: 'subscribe', channel: ch }));
		else
			ws.send(JSON.stringify({ type: 'subscribe', channels: chans.split(',') }));
		ws.send('{"type":"ping"}');
	});
	ws.on('message', (data) => {
		const s = data.toString();
		if (s === '{"type":"pong"}') return ready();
		fs.writeSync(out, s + '\n');
	});
	ws.on('error', (e) => console.error(`client ${i}: ${e.message}`));
	ws.on('close', (code) => {
		fs.writeSync(out, `#close ${code}\n`);
		fs.closeSync(out);
		if (--open === 0) process.exit(0);
	});
}

function slow(i, chans) {
	const u = new URL(url);
	const s = net.connect(Number(u.port), u.hostname, () => {
		s.write(`GET /ws?channel=${encodeURIComponent(chans)} HTTP/1.1\r\n` +
		    `Host: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
		    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
		    'Sec-WebSocket-Version: 13\r\n\r\n');
	});
	s.once('data', () => { s.pause(); ready(); }); // the 101, then never read
	s.on('error', () => {});
}

function attempt(mode, chans) {
	const ws = new WebSocket(`${url}?channel=${encodeURIComponent(chans)}`);
	ws.on('open', () => { console.log('open'); ws.close(); ready(); });
	ws.on('error', () => { console.log('refused'); ready(); });
}

specs.forEach((spec, i) => {
	const [mode, chans = '*'] = spec.split(/:(.*)/s);
	if (mode === 'q' || mode === 'm' || mode === 's') reader(i, mode, chans);
	else if (mode === 'slow') slow(i, chans);
	else if (mode === 'try') attempt(mode, chans);
	else { console.error(`bad spec ${spec}`); process.exit(2); }
});
if (open === 0) setInterval(() => { if (pending === 0) process.exit(0); }, 50);
