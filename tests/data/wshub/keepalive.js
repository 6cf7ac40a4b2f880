// keepalive.js URL SOCKETS REQUESTS EXPECTED -- REQUESTS GETs of URL spread
// over SOCKETS keep-alive connections, SOCKETS at a time; every answer must
// be 200 with the body EXPECTED (a file). Then wait for the server to close
// the idle connections. Prints one line:
//   answers N bad N sockets N closed-by-server N first-close-s X last-close-s Y
// (close times in seconds after the last answer).
const http = require('http');
const fs = require('fs');
const [url, sockets, requests, expectedFile] = process.argv.slice(2);
const expected = fs.readFileSync(expectedFile, 'utf8');
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(sockets),
	maxFreeSockets: Number(sockets) });
const seen = new Set();
const closes = [];
let answers = 0, bad = 0, started = 0, done = 0, tLast = 0;

function one() {
	if (started >= Number(requests)) return;
	started++;
	http.get(url, { agent }, (res) => {
		seen.add(res.socket);
		if (!res.socket.__watched) {
			res.socket.__watched = true;
			res.socket.on('close', () => closes.push(performance.now()));
		}
		let body = '';
		res.setEncoding('utf8');
		res.on('data', (d) => { body += d; });
		res.on('end', () => {
			answers++;
			if (res.statusCode !== 200 || body !== expected) bad++;
			if (++done === Number(requests)) finish(); else one();
		});
	}).on('error', () => { bad++; if (++done === Number(requests)) finish(); else one(); });
}

function finish() {
	tLast = performance.now();
	const t0 = Date.now();
	const wait = setInterval(() => {
		if (closes.length < seen.size && Date.now() - t0 < 12000) return;
		clearInterval(wait);
		const rel = closes.map((t) => (t - tLast) / 1000).sort((a, b) => a - b);
		console.log(`answers ${answers} bad ${bad} sockets ${seen.size} closed-by-server ${closes.length}` +
			` first-close-s ${rel.length ? rel[0].toFixed(1) : '-'} last-close-s ${rel.length ? rel[rel.length - 1].toFixed(1) : '-'}`);
		process.exit(0);
	}, 100);
}

for (let i = 0; i < Number(sockets); i++) one();
