// hold.js PORT WS HTTP -- hold WS WebSocket clients (each subscribed to
// channel "held") and HTTP keep-alive connections that send GET /health
// every 3 s (an idle keep-alive connection is closed after 5 s), all open
// to 127.0.0.1:PORT. Prints "ready" once every WebSocket is upgraded and
// every HTTP connection has had its first answer; on SIGTERM prints
//   ws N http N answers N closed N errors N
// (connections still open, answers received, closed by the server, socket
// errors) and exits.
'use strict';
const net = require('net');
const [port, nws, nhttp] = process.argv.slice(2).map(Number);
let pending = nws + nhttp, answers = 0, closed = 0, errors = 0, openWs = 0, openHttp = 0;
const timers = [];
const up = () => { if (--pending === 0) console.log('ready'); };

function open(ws, i) {
	const s = net.connect(port, '127.0.0.1');
	let first = true;
	s.on('connect', () => {
		if (ws) {
			s.write('GET /ws?channel=held HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
			    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
			    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
			    'Sec-WebSocket-Version: 13\r\n\r\n');
			openWs++;
			return;
		}
		openHttp++;
		const get = () => s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
		get();
		// spread the requests over the 3 s period
		timers.push(setTimeout(() => timers.push(setInterval(get, 3000)), (i * 3000) / nhttp));
	});
	s.on('data', (d) => {
		if (!ws)
			answers += d.toString().split('HTTP/1.1 200').length - 1;
		if (first) {
			first = false;
			up();
		}
	});
	s.on('error', () => { errors++; });
	s.on('close', () => {
		closed++;
		if (ws) openWs--; else openHttp--;
	});
}

// connect a few hundred at a time, so as not to overflow the listen queue
let k = 0;
const total = nws + nhttp;
(function step() {
	for (let n = 0; n < 200 && k < total; n++, k++)
		open(k < nws, k - nws);
	if (k < total)
		setTimeout(step, 20);
})();
process.on('SIGTERM', () => {
	console.log(`ws ${openWs} http ${openHttp} answers ${answers} closed ${closed} errors ${errors}`);
	process.exit(0);
});
