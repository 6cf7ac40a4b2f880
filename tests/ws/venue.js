#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// venue.js -- a loopback WebSocket server that speaks one venue's
// documented messages, for mkt-ws's tests and benchmark.
//
//   node tests/ws/venue.js --venue massive [--port 0] [--portfile F]
//       [--log F] [--frames N] [--per N] [--interval MS] [--key K]
//       [--secret S] [--silent-after N] [--drop-after N] [--busy N]
//       [--busy-msg N] [--malformed] [--ping MS] [--tls CERT KEY]
//       [--flood N] [--fragment N] [--evil MODE] [--hangup MS]
//       [--hangup-close] [--error-after-auth CODE]
//
// It listens on 127.0.0.1 only, writes its port to --portfile, and logs
// every message a client sends (and every pong) as one JSON line to
// --log: {"conn":1,"msg":"..."}, {"conn":1,"pong":true},
// {"conn":2,"open":true,"path":"/stocks","at":MS} (at: the server's
// clock, in ms).
//
// After a client has authenticated (where the venue wants it) and
// subscribed, the server sends --frames frames of --per events each,
// --interval ms apart, cycling over the subscribed symbol and channel
// pairs. Event k (counted over the server's life, from 1) has price
// 100 + (k % 8) / 4, size k (k / 100 where the venue trades fractions),
// time 1704931200000 + k ms and trade id k; each is written in the shape
// the venue's documentation gives for its channel:
//   massive   T, Q, A, AM (stocks: "sym"); XT, XQ, XA, XAS (crypto: "pair")
//             -- arrays of events, --per a frame
//   binance   trade, aggTrade, kline_1m -- one event a message, wrapped
//             as {"stream","data"} on /stream, bare on a raw stream
//             /ws/<symbol>@<channel> (which streams from the connect on,
//             with no subscription needed)
//   coinbase  matches (match, last_match replayed on subscribe), ticker
//             -- one event a message
//   finnhub   trade -- {"type":"trade","data":[...]}
//   alpaca    trades (t), quotes (q), bars (b) -- arrays of events
//   kraken    trade, ticker -- {"channel","type","data":[...]}
//   --silent-after N  after N data frames of a connection, send nothing
//                     more (the socket stays open; pings still answered)
//   --drop-after N    after N data frames, terminate the connection
//   --busy N          refuse the first N upgrades with HTTP 429
//   --busy-msg N      massive/alpaca: answer the first N auths with the
//                     venue's too-many-connections message, then close
//   --malformed       send three bad frames before the data
//   --ping MS         ping every MS ms (logs the pongs)
//   --start K         count events from K + 1 (a restarted venue
//                     goes on with new trade ids)
//   --script F        after subscribing, send each line of F as a
//                     message instead of generated frames
//   --flood N         (massive) after subscribing, send N trade events
//                     of SYM0..SYM99 as fast as the socket takes them,
//                     --per a frame, then close
//   --fragment N      send each data message as fragments of N bytes
//   --evil MODE       no WebSocket library: answer the upgrade and send
//                     hand-made frames, a few bytes at a time, whatever
//                     the client says; log the client's frames
//                     ({"conn":1,"op":10,"masked":true,"data":"hb1"}).
//                     MODE: frames (a fragmented message with a ping
//                     inside, 16- and 64-bit lengths, a binary frame:
//                     trades of size 1..5), masked (a masked frame after
//                     trade 1), rsv (a reserved bit), bad-accept (a wrong
//                     Sec-WebSocket-Accept), ext (an extension that was
//                     not offered), close (trade 1, then a close frame
//                     4000 "bye")
//   --hangup MS       after the greeting (massive, alpaca, kraken; at
//                     once for the others) wait MS ms and drop the
//                     connection, answering nothing the client says
//   --hangup-close    ... with a close frame (1001) rather than without
//   --error-after-auth CODE
//                     alpaca: on the first connection, answer the
//                     subscription with [{"T":"error","code":CODE,..}]
//                     (its documented message) and send no data there
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { WebSocketServer } = require(path.join(__dirname, '../../node_modules/ws'));

const a = { venue: 'massive', port: 0, frames: 1, per: 1, interval: 10,
	key: 'good-key', secret: 'good-secret', silentAfter: -1, dropAfter: -1,
	busy: 0, busyMsg: 0, malformed: false, ping: 0, tls: null, flood: 0,
	portfile: null, log: null, start: 0, hangup: -1, hangupClose: false,
	errorAfterAuth: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const o = argv[i], v = () => argv[++i];
	switch (o) {
	case '--venue': a.venue = v(); break;
	case '--port': a.port = +v(); break;
	case '--portfile': a.portfile = v(); break;
	case '--log': a.log = v(); break;
	case '--frames': a.frames = +v(); break;
	case '--per': a.per = +v(); break;
	case '--interval': a.interval = +v(); break;
	case '--key': a.key = v(); break;
	case '--secret': a.secret = v(); break;
	case '--silent-after': a.silentAfter = +v(); break;
	case '--drop-after': a.dropAfter = +v(); break;
	case '--busy': a.busy = +v(); break;
	case '--busy-msg': a.busyMsg = +v(); break;
	case '--malformed': a.malformed = true; break;
	case '--ping': a.ping = +v(); break;
	case '--tls': a.tls = [v(), v()]; break;
	case '--flood': a.flood = +v(); break;
	case '--start': a.start = +v(); break;
	case '--script': a.script = v(); break;
	case '--fragment': a.fragment = +v(); break;
	case '--evil': a.evil = v(); break;
	case '--hangup': a.hangup = +v(); break;
	case '--hangup-close': a.hangupClose = true; break;
	case '--error-after-auth': a.errorAfterAuth = +v(); break;
	default: console.error('venue.js: unknown option ' + o); process.exit(2);
	}
}

const logfd = a.log ? fs.openSync(a.log, 'a') : null;
function log(o) { if (logfd !== null) fs.writeSync(logfd, JSON.stringify(o) + '\n'); }

let k = a.start, conns = 0, upgrades = 0, busyMsgs = 0, errorsSent = 0, lastTrade = null;
const T0 = 1704931200000;
const iso = (ms) => new Date(ms).toISOString();                 // .mmmZ
const isoNs = (ms) => iso(ms).replace('Z', '456789Z');       // .mmm456789Z
const isoS = (ms) => iso(ms).replace('.000Z', 'Z');          // whole seconds

// One event of venue v for symbol sym on channel chan, in the shape the
// venue's documentation gives for it.
function event(v, sym, chan) {
	k++;
	const p = 100 + (k % 8) / 4, s = k, t = T0 + k;
	switch (v) {
	case 'massive':
		switch (chan) {
		case 'Q':
			return { ev: 'Q', sym, bx: 4, bp: p, bs: 2, ax: 7, ap: p + 0.5, as: 3, c: 0, i: [604], t, q: k, z: 3 };
		case 'A': case 'AM':
			// A: second aggregates, AM: minute aggregates
			return { ev: chan, sym, v: s, av: s * 10, op: p, vw: p + 0.1, o: p, c: p + 0.25, h: p + 0.5, l: p - 0.5, a: p, z: 10, s: T0, e: T0 + (chan === 'A' ? 1000 : 60000) };
		case 'XT':
			return { ev: 'XT', pair: sym, p, t, s: s / 100, c: [2], i: k, x: 1, r: t + 5 };
		case 'XQ':
			return { ev: 'XQ', pair: sym, bp: p, bs: 0.5, ap: p + 0.5, as: 0.25, t, x: 1, r: t + 5 };
		case 'XA': case 'XAS':
			return { ev: chan, pair: sym, v: s / 4, vw: p + 0.125, z: 3, o: p, c: p + 0.25, h: p + 0.5, l: p - 0.5, s: T0, e: T0 + (chan === 'XAS' ? 1000 : 60000) };
		}
		return { ev: 'T', sym, x: 4, i: String(k), z: 3, p, s, c: [0, 12], t, q: k };
	case 'binance':
		if (chan.startsWith('kline'))
			return { e: 'kline', E: t, s: sym.toUpperCase(), k: { t: T0, T: T0 + 59999, s: sym.toUpperCase(), i: '1m', f: 1, L: 2, o: p.toFixed(2), c: (p + 0.25).toFixed(2), h: (p + 0.5).toFixed(2), l: (p - 0.5).toFixed(2), v: '2.00', n: 2, x: k % 2 === 0, q: (2 * p).toFixed(2), V: '1', Q: '1', B: '0' } };
		if (chan === 'aggTrade')
			return { e: 'aggTrade', E: t + 1, s: sym.toUpperCase(), a: k, p: p.toFixed(8), q: (s / 100).toFixed(8), f: 100 + k, l: 100 + k, T: t, m: true, M: true };
		return { e: 'trade', E: t + 1, s: sym.toUpperCase(), t: k, p: p.toFixed(8), q: (s / 100).toFixed(8), T: t, m: true, M: true };
	case 'coinbase':
		if (chan === 'ticker')
			return { type: 'ticker', sequence: 1000 + k, product_id: sym, price: p.toFixed(2), open_24h: '99.00', volume_24h: '1234.5', low_24h: '99.00', high_24h: '102.00', volume_30d: '9876.5', best_bid: (p - 0.01).toFixed(2), best_bid_size: '0.50000000', best_ask: (p + 0.01).toFixed(2), best_ask_size: '1.25000000', side: 'buy', time: iso(t).replace('Z', '123Z'), trade_id: k, last_size: (s / 100).toFixed(8) };
		return { type: 'match', trade_id: k, sequence: 1000 + k, maker_order_id: 'm', taker_order_id: 't', time: iso(t).replace('Z', '123Z'), product_id: sym, size: (s / 100).toFixed(8), price: p.toFixed(2), side: 'sell' };
	case 'finnhub':
		return { s: sym, p, t, v: s, c: ['1'] };
	case 'alpaca':
		if (chan === 'q')
			return { T: 'q', S: sym, bx: 'U', bp: p, bs: 1, ax: 'Q', ap: p + 0.5, as: 4, t: isoNs(t), c: ['R'], z: 'C' };
		if (chan === 'b')
			return { T: 'b', S: sym, o: p, h: p + 0.5, l: p - 0.5, c: p + 0.25, v: s * 100, t: isoS(T0), n: s, vw: p + 0.125 };
		return { T: 't', i: k, S: sym, x: 'V', p, s, t: isoNs(t), c: ['@'], z: 'C' };
	case 'kraken':
		if (chan === 'ticker')
			return { symbol: sym, bid: p - 0.5, bid_qty: 0.5, ask: p + 0.5, ask_qty: 1.25, last: p, volume: 1000 + k, vwap: p, low: 99, high: 102, change: 0.25, change_pct: 0.25, timestamp: iso(t).replace('Z', '123Z') };
		return { symbol: sym, side: 'buy', price: p, qty: s / 100, ord_type: 'market', trade_id: k, timestamp: iso(t).replace('Z', '123Z') };
	}
}

// The messages of one frame's worth of n events, as the venue sends
// them: one message holding them all where the venue batches events,
// one message each where it does not. raw: a binance raw stream.
function frame(v, subs, n, raw) {
	const evs = [];
	for (let i = 0; i < n; i++) {
		const [sym, chan] = subs[(k) % subs.length];
		const e = event(v, sym, chan);
		evs.push(e);
		if (v === 'coinbase' && e.type === 'match') lastTrade = e;
	}
	switch (v) {
	case 'massive': case 'alpaca': return [JSON.stringify(evs)];
	case 'binance':
		return evs.map((e) => JSON.stringify(raw ? e :
		    { stream: e.s.toLowerCase() + '@' + (e.e === 'kline' ? 'kline_' + e.k.i : e.e), data: e }));
	case 'coinbase': return evs.map((e) => JSON.stringify(e));
	case 'finnhub': return [JSON.stringify({ type: 'trade', data: evs })];
	case 'kraken': return [JSON.stringify({ channel: subs[0][1], type: 'update', data: evs })];
	}
}

// --flood: every connection gets the same frames, built before the port
// is published so that a benchmark times the client, not this server:
// massive trades for SYM0..SYM99 with unique ids, --per a frame.
const floodFrames = [];
if (a.flood) {
	for (let n = 0; n < a.flood;) {
		const evs = [];
		for (let j = 0; j < a.per && n < a.flood; j++, n++) {
			const p = 100 + (n % 400) / 4;
			evs.push('{"ev":"T","sym":"SYM' + (n % 100) + '","x":4,"i":"' + (n + 1) +
			    '","z":3,"p":' + p + ',"s":' + (1 + n % 500) + ',"c":[0,12],"t":' + (T0 + n) + ',"q":' + (n + 1) + '}');
		}
		floodFrames.push('[' + evs.join(',') + ']');
	}
}

const httpServer = a.tls
	? https.createServer({ cert: fs.readFileSync(a.tls[0]), key: fs.readFileSync(a.tls[1]) })
	: http.createServer();

// --evil: a server made by hand, for what the WebSocket library will not
// send. sframe() builds a server frame (unmasked unless told).
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
function sframe(op, payload, o = {}) {
	const p = Buffer.from(payload);
	const fin = o.fin === false ? 0 : 0x80, rsv = o.rsv ? 0x40 : 0;
	let h;
	if (o.len64) {
		h = Buffer.alloc(10);
		h[1] = 127;
		h.writeBigUInt64BE(BigInt(p.length), 2);
	} else if (p.length > 125) {
		h = Buffer.alloc(4);
		h[1] = 126;
		h.writeUInt16BE(p.length, 2);
	} else {
		h = Buffer.alloc(2);
		h[1] = p.length;
	}
	h[0] = fin | rsv | op;
	if (!o.mask) return Buffer.concat([h, p]);
	h[1] |= 0x80;
	const m = Buffer.from([1, 2, 3, 4]);
	return Buffer.concat([h, m, Buffer.from(p.map((c, i) => c ^ m[i & 3]))]);
}
const trade = (n, extra = '') => '[{"ev":"T","sym":"E","i":"' + n + '","p":' + (100 + n / 4) +
	',"s":' + n + ',"t":' + (T0 + n) + extra + '}]';
function evilBytes(mode) {
	const f = [];
	switch (mode) {
	case 'frames': {
		f.push(sframe(1, trade(1)));
		const t2 = trade(2);
		f.push(sframe(1, t2.slice(0, 10), { fin: false }));
		f.push(sframe(9, 'hb1'));
		f.push(sframe(0, t2.slice(10, 20), { fin: false }));
		f.push(sframe(0, t2.slice(20)));
		f.push(sframe(1, trade(3, ',"pad":"' + 'x'.repeat(300) + '"')));
		f.push(sframe(1, trade(4), { len64: true }));
		f.push(sframe(2, trade(5)));
		break;
	}
	case 'masked': f.push(sframe(1, trade(1)), sframe(1, trade(2), { mask: true })); break;
	case 'rsv': f.push(sframe(1, trade(1)), sframe(1, trade(2), { rsv: true })); break;
	case 'bad-accept': case 'ext': f.push(sframe(1, trade(1))); break;
	case 'close': {
		const c = Buffer.alloc(2);
		c.writeUInt16BE(4000);
		f.push(sframe(1, trade(1)), sframe(8, Buffer.concat([c, Buffer.from('bye')])));
		break;
	}
	}
	return Buffer.concat(f);
}
function evil(server, mode) {
	server.on('upgrade', (req, sock) => {
		const id = ++conns;
		log({ conn: id, open: true, path: req.url });
		sock.setNoDelay(true);
		sock.on('error', () => {});
		sock.on('close', () => log({ conn: id, closed: true }));
		const key = req.headers['sec-websocket-key'] || '';
		const acc = crypto.createHash('sha1').update((mode === 'bad-accept' ? 'x' : '') + key + GUID).digest('base64');
		sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
		    (mode === 'ext' ? 'Sec-WebSocket-Extensions: permessage-deflate\r\n' : '') +
		    'Sec-WebSocket-Accept: ' + acc + '\r\n\r\n');
		let buf = Buffer.alloc(0);
		sock.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			for (;;) {
				if (buf.length < 2) return;
				let len = buf[1] & 0x7f, at = 2;
				if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); at = 4; }
				else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); at = 10; }
				const masked = (buf[1] & 0x80) !== 0;
				const m = masked ? buf.subarray(at, at + 4) : Buffer.alloc(4);
				if (masked) at += 4;
				if (buf.length < at + len) return;
				const p = Buffer.from(buf.subarray(at, at + len).map((c, i) => c ^ m[i & 3]));
				const op = buf[0] & 15;
				const o = { conn: id, op, masked };
				if (op === 8) { if (p.length >= 2) o.code = p.readUInt16BE(0); }
				else o.data = p.toString();
				log(o);
				buf = buf.subarray(at + len);
				if (op === 8) sock.end();
			}
		});
		// a few bytes at a time, so that headers and payloads are cut
		const out = evilBytes(mode);
		let i = 0, step = 0;
		const dribble = () => {
			if (i >= out.length || sock.destroyed) return;
			const n = 1 + (step++ % 5);
			sock.write(out.subarray(i, i + n));
			i += n;
			setTimeout(dribble, 1);
		};
		setTimeout(dribble, 20);
	});
}
if (a.evil) evil(httpServer, a.evil);
const wss = a.evil ? null : new WebSocketServer({
	server: httpServer,
	verifyClient: (info, cb) => {
		upgrades++;
		if (upgrades <= a.busy) { log({ busy: upgrades }); return cb(false, 429, 'Too Many Requests'); }
		if (a.venue === 'finnhub') {
			const u = new URL(info.req.url, 'http://x');
			if (u.searchParams.get('token') !== a.key) { log({ unauthorized: true }); return cb(false, 401, 'Unauthorized'); }
		}
		cb(true);
	},
});

if (wss) wss.on('connection', (ws, req) => {
	const id = ++conns;
	let sent = 0, silent = false, timer = null, pinger = null;
	log({ conn: id, open: true, path: req.url.replace(/token=[^&]*/, 'token=***'), at: Date.now() });
	// a binance raw stream: /ws/<symbol>@<channel>, bare events at once
	const rawStream = a.venue === 'binance' && /^\/ws\/[^/]+@/.test(req.url) ?
		req.url.slice(4).split('/').map((p) => p.split('@')) : null;
	const send = (m) => {
		if (silent || ws.readyState !== 1) return;
		if (!a.fragment) return ws.send(m);
		const b = Buffer.from(m);
		for (let i = 0; i < b.length; i += a.fragment)
			ws.send(b.subarray(i, i + a.fragment), { binary: false, fin: i + a.fragment >= b.length });
	};
	ws.on('pong', (d) => log({ conn: id, pong: true, data: d.toString() }));
	ws.on('close', () => { clearInterval(timer); clearInterval(pinger); log({ conn: id, closed: true }); });
	if (a.ping) pinger = setInterval(() => { if (ws.readyState === 1) ws.ping('hb'); }, a.ping);

	function start(subs) {
		if (a.malformed) {
			ws.send('{"ev":"T",');             // not JSON
			ws.send(Buffer.from([0x5b, 0x7b, 0x22, 0x65, 0x76, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x5d]), { binary: false }); // bad UTF-8
			ws.send(a.venue === 'massive' ? '[{"ev":"T","sym":"AAPL","p":"x","s":1,"t":1}]' : '[1]');
		}
		if (a.flood) return flood();
		if (a.script) {
			for (const l of fs.readFileSync(a.script, 'utf8').split('\n'))
				if (l) ws.send(l);
			return;
		}
		const tickf = () => {
			if (sent >= a.frames || silent) { clearInterval(timer); return; }
			for (const m of frame(a.venue, subs, a.per, rawStream !== null)) send(m);
			sent++;
			if (sent === a.silentAfter) silent = true;
			if (sent === a.dropAfter) { clearInterval(timer); ws.terminate(); }
		};
		timer = setInterval(tickf, a.interval);
	}
	function flood() {
		let i = 0;
		const pump = () => {
			while (i < floodFrames.length) {
				ws.send(floodFrames[i++]);
				if (ws.bufferedAmount > 4 << 20) return setTimeout(pump, 1);
			}
			const done = () => ws.bufferedAmount ? setTimeout(done, 5) : ws.close(1000);
			done();
		};
		pump();
	}

	const syms = (list, chan) => list.map((s) => [s, chan]);
	if (a.venue === 'massive')
		ws.send(JSON.stringify([{ ev: 'status', status: 'connected', message: 'Connected Successfully' }]));
	if (a.venue === 'alpaca')
		ws.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
	if (a.venue === 'kraken')
		ws.send(JSON.stringify({ channel: 'status', type: 'update', data: [{ api_version: 'v2', connection_id: id, system: 'online', version: '2.0.0' }] }));
	let authed = a.venue !== 'massive' && a.venue !== 'alpaca';
	if (a.hangup >= 0)
		setTimeout(() => a.hangupClose ? ws.close(1001, 'going away') : ws.terminate(), a.hangup);
	else if (rawStream)
		start(rawStream);

	ws.on('message', (data) => {
		const text = data.toString();
		log({ conn: id, msg: text });
		if (a.hangup >= 0) return; // no answers: it is about to hang up
		let m;
		try { m = JSON.parse(text); } catch (e) { return; }
		switch (a.venue) {
		case 'massive':
			if (m.action === 'auth') {
				if (busyMsgs < a.busyMsg) {
					busyMsgs++;
					ws.send(JSON.stringify([{ ev: 'status', status: 'max_connections', message: 'Maximum number of websocket connections exceeded. You have reached the connection limit for your account.' }]));
					return ws.close(1008);
				}
				authed = m.params === a.key;
				ws.send(JSON.stringify([{ ev: 'status', status: authed ? 'auth_success' : 'auth_failed', message: authed ? 'authenticated' : 'authentication failed' }]));
				if (!authed) ws.close(1008);
			} else if (m.action === 'subscribe' && authed) {
				const subs = m.params.split(',').map((p) => { const i = p.indexOf('.'); return [p.slice(i + 1), p.slice(0, i)]; });
				ws.send(JSON.stringify(subs.map(([s, c]) => ({ ev: 'status', status: 'success', message: 'subscribed to: ' + c + '.' + s }))));
				start(subs);
			}
			break;
		case 'binance':
			if (m.method === 'SUBSCRIBE') {
				ws.send(JSON.stringify({ result: null, id: m.id }));
				// on a raw stream the stream named in the path is already on
				if (!rawStream)
					start(m.params.map((p) => { const [s, c] = p.split('@'); return [s, c]; }));
			}
			break;
		case 'coinbase':
			if (m.type === 'subscribe') {
				ws.send(JSON.stringify({ type: 'subscriptions', channels: m.channels.map((c) => ({ name: c, product_ids: m.product_ids })) }));
				if (lastTrade && m.channels.includes('matches'))
					ws.send(JSON.stringify(Object.assign({}, lastTrade, { type: 'last_match' })));
				start(m.channels.filter((c) => c !== 'heartbeat').flatMap((c) => syms(m.product_ids, c)));
			}
			break;
		case 'finnhub':
			if (m.type === 'subscribe') {
				if (!timer) setTimeout(() => start(syms(subsFinnhub, 'trade')), 50);
				subsFinnhub.push(m.symbol);
			}
			break;
		case 'alpaca':
			if (m.action === 'auth') {
				if (busyMsgs < a.busyMsg) {
					busyMsgs++;
					ws.send(JSON.stringify([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]));
					return ws.close(1008);
				}
				authed = m.key === a.key && m.secret === a.secret;
				ws.send(JSON.stringify(authed ? [{ T: 'success', msg: 'authenticated' }] : [{ T: 'error', code: 402, msg: 'auth failed' }]));
				if (!authed) ws.close(1008);
			} else if (m.action === 'subscribe' && authed) {
				ws.send(JSON.stringify([{ T: 'subscription', trades: m.trades || [], quotes: m.quotes || [], bars: m.bars || [] }]));
				if (a.errorAfterAuth && errorsSent++ === 0) {
					const msgs = { 400: 'invalid syntax', 401: 'not authenticated', 404: 'auth timeout', 405: 'symbol limit exceeded', 407: 'slow client', 409: 'insufficient subscription', 500: 'internal error' };
					ws.send(JSON.stringify([{ T: 'error', code: a.errorAfterAuth, msg: msgs[a.errorAfterAuth] || 'error' }]));
					return;
				}
				start([...syms(m.trades || [], 't'), ...syms(m.quotes || [], 'q'), ...syms(m.bars || [], 'b')]);
			}
			break;
		case 'kraken':
			if (m.method === 'subscribe') {
				for (const s of m.params.symbol)
					ws.send(JSON.stringify({ method: 'subscribe', result: { channel: m.params.channel, symbol: s, snapshot: false }, success: true, time_in: iso(T0), time_out: iso(T0) }));
				start(syms(m.params.symbol, m.params.channel));
				setInterval(() => send('{"channel":"heartbeat"}'), 1000).unref();
			}
			break;
		}
	});
	const subsFinnhub = [];
});

httpServer.listen(a.port, '127.0.0.1', () => {
	const port = httpServer.address().port;
	if (a.portfile) {
		fs.writeFileSync(a.portfile + '.tmp', String(port) + '\n');
		fs.renameSync(a.portfile + '.tmp', a.portfile);
	} else {
		console.log(port);
	}
});
process.on('SIGTERM', () => process.exit(0));
