// SPDX-License-Identifier: MIT
// dashboard.js -- the dashboard in a real browser: headless Debian chromium
// driven by playwright-core loads the page from wshub while records flow,
// and must see candles, moving averages, alerts and news appear, then see
// the connection indicator recover when wshub restarts.
//
//   node dashboard.js WORKDIR SCREENSHOT
//
// Runs $MKT_BUILD/bin/wshub on 127.0.0.1 (a free port) fed through three
// FIFOs (bars, alerts, news) in WORKDIR from tests/data/wshub/, and stops
// it before exiting. Prints one line per check; exits 0 when all pass. A
// second page lists at most 5 alerts and 4 articles (max_alerts, max_news).
// The screenshot of the first page is saved at the end whatever the
// outcome (a failing run is when it matters most), also when the run takes
// longer than 100 s, and its path printed.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { launch } = require('./chromium');

const [work, shot] = process.argv.slice(2);
const top = path.join(__dirname, '../..');
const build = process.env.MKT_BUILD || path.join(top, 'build');
const data = path.join(top, 'tests/data/wshub');
const lines = (f) => fs.readFileSync(path.join(data, f), 'utf8').split('\n').filter(Boolean);
const bars = lines('bars.ndjson');
const alerts = lines('alerts.ndjson');
const news = lines('news.ndjson');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let hub = null;
let shotPage = null;

// Save the screenshot of the first page (once) and say where it is.
let shotTaken = null;
function saveShot() {
	if (!shotTaken)
		shotTaken = (shotPage ? shotPage.screenshot({ path: shot, timeout: 10000 }) : Promise.reject(new Error('no page')))
			.then(() => console.log(`screenshot: ${shot}`),
				(e) => console.log(`screenshot: none (${e.message.split('\n')[0]})`));
	return shotTaken;
}

function check(ok, what) {
	console.log(`${ok ? 'ok' : 'FAIL'} ${what}`);
	if (!ok) throw new Error(what);
}

// Start wshub on port (0: any) reading the three FIFOs; resolves to the
// port and the FIFOs' write descriptors.
async function startHub(port) {
	for (const f of ['bars', 'alerts', 'news']) {
		const p = path.join(work, f);
		if (!fs.existsSync(p)) execFileSync('mkfifo', [p]);
	}
	hub = spawn(path.join(build, 'bin/wshub'), ['-p', String(port), '-n', '500', '-Q', '2000',
		'--in', `bars=${work}/bars`, '--in', `alerts=${work}/alerts`, '--in', `news=${work}/news`],
	{ stdio: ['ignore', 'ignore', 'pipe'] });
	let err = '';
	const got = await new Promise((resolve, reject) => {
		hub.stderr.on('data', (d) => {
			err += d;
			const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
			if (m) resolve(Number(m[1]));
		});
		hub.on('exit', (code) => reject(new Error(`wshub exited ${code}: ${err}`)));
	});
	const fds = {};
	for (const f of ['bars', 'alerts', 'news']) fds[f] = fs.openSync(path.join(work, f), 'w');
	return { port: got, fds };
}

async function stopHub(h) {
	for (const fd of Object.values(h.fds)) fs.closeSync(fd);
	const done = new Promise((r) => hub.once('exit', r));
	hub.kill('SIGTERM');
	await done;
	hub = null;
}

const write = (fd, ls) => { if (ls.length) fs.writeSync(fd, ls.join('\n') + '\n'); };

async function main() {
	let h = await startHub(0);
	const url = `http://127.0.0.1:${h.port}/?symbol=AAPL`;
	// history: the first 60 bars (30 per symbol), two alerts, two articles
	write(h.fds.bars, bars.slice(0, 60));
	write(h.fds.alerts, alerts.slice(0, 2));
	write(h.fds.news, news.slice(0, 2));

	const ctx = await launch(work);
	const offsite = [];
	try {
		const page = ctx.pages()[0] || await ctx.newPage();
		shotPage = page;
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${h.port}/`) && !r.url().startsWith(`ws://127.0.0.1:${h.port}/`)) offsite.push(r.url()); });
		await page.goto(url);
		const small = await ctx.newPage();
		small.on('pageerror', (e) => errors.push(`small page: ${e.message}`));
		await small.goto(`${url}&max_alerts=5&max_news=4`);
		// the rows of the small page's lists, and the sizes of its key sets
		const lists = (p) => p.evaluate(() => ({
			alerts: [...document.querySelectorAll('#alerts tbody tr')].map((tr) => tr.innerText.replace(/\s+/g, ' ')),
			news: [...document.querySelectorAll('#news li a')].map((a) => a.textContent),
			alertKeys: window.__dash.state.alertKeys.size,
			newsKeys: window.__dash.state.newsKeys.size,
		}));
		const series = () => page.evaluate(() => window.__dash.series());
		await page.waitForFunction(() => window.__dash && window.__dash.series().candles === 30, null, { timeout: 10000 });
		let s = await series();
		check(s.symbol === 'AAPL' && s.candles === 30 && s.fast === 26 && s.slow === 11,
			`history: 30 AAPL candles, 26 fast and 11 slow MA points (${JSON.stringify(s)})`);
		check(await page.locator('#conn').getAttribute('data-state') === 'live', 'connection indicator is live');

		// live: the rest, a few records at a time
		for (let i = 60; i < bars.length; i += 6) {
			write(h.fds.bars, bars.slice(i, i + 6));
			if (i % 30 === 0) write(h.fds.news, news.slice(2 + (i - 60) / 30, 3 + (i - 60) / 30));
			await sleep(25);
		}
		write(h.fds.alerts, alerts.slice(2));
		write(h.fds.news, news.slice(5));
		await page.waitForFunction((n) => window.__dash.series().candles === 90 &&
			document.querySelectorAll('#alerts tbody tr').length === n &&
			document.querySelectorAll('#news li').length === 6, alerts.length, { timeout: 10000 });
		s = await series();
		const lastAapl = JSON.parse(bars.filter((l) => l.includes('"AAPL"')).pop());
		check(s.candles === 90 && s.fast === 86 && s.slow === 71 && s.volume === 90,
			`live: 90 candles, 86 fast, 71 slow, 90 volume bars (${JSON.stringify(s)})`);
		check(s.lastCandle && s.lastCandle.close === lastAapl.close && s.lastCandle.high === lastAapl.high &&
			s.lastCandle.time === lastAapl.window_start / 1000, 'the last candle is the last AAPL window row');
		const firstRow = await page.locator('#alerts tbody tr').first().innerText();
		const lastAlert = JSON.parse(alerts[alerts.length - 1]);
		check(firstRow.includes(lastAlert.symbol) && firstRow.includes(lastAlert.signal),
			`newest alert on top: ${firstRow.replace(/\s+/g, ' ')}`);
		const trends = await page.locator('#trends .trend').evaluateAll((els) => els.map((e) => `${e.dataset.symbol}:${e.dataset.trend}`));
		const expectTrend = (sym) => {
			const a = alerts.map((l) => JSON.parse(l)).filter((x) => x.symbol === sym).pop();
			return `${sym}:${a.signal === 'BULLISH' ? 'bullish' : 'bearish'}`;
		};
		check(trends.join(' ') === `${expectTrend('AAPL')} ${expectTrend('MSFT')}`, `trend badges from the last alerts: ${trends.join(' ')}`);
		const firstNews = await page.locator('#news li').first().innerText();
		check(firstNews.includes(JSON.parse(news[5]).title) && /bullish \+0\.47/i.test(firstNews),
			'newest article on top with its sentiment badge');
		await page.selectOption('#symbol', 'MSFT');
		s = await series();
		check(s.symbol === 'MSFT' && s.candles === 90, 'the symbol picker switches the chart to MSFT');
		await page.selectOption('#symbol', 'AAPL');
		// newest first: the last 5 alerts and the last 4 articles
		const wantAlerts = alerts.slice(-5).reverse().map((l) => JSON.parse(l))
			.map((a) => `${new Date(a.ts).toISOString().slice(11, 19)} ${a.symbol} ${a.signal} `);
		const wantNews = news.slice(-4).reverse().map((l) => JSON.parse(l).title);
		await small.waitForFunction((t) => document.querySelectorAll('#alerts tbody tr').length === 5 &&
			document.querySelector('#news li a') && document.querySelector('#news li a').textContent === t,
		wantNews[0], { timeout: 10000 }).catch(() => {});
		const before = await lists(small);
		check(before.alerts.length === 5 && before.alerts.every((row, i) => row.startsWith(wantAlerts[i])) &&
			before.news.join('|') === wantNews.join('|') && before.alertKeys === 5 && before.newsKeys === 4,
		`small page: the newest 5 alerts and 4 articles, keys for those only (${JSON.stringify(before)})`);
		check(errors.length === 0, `no page errors ${errors.join('; ')}`);

		// wshub goes away and comes back on the same port
		const port = h.port;
		await stopHub(h);
		await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'down', null, { timeout: 5000 });
		check(true, 'indicator shows the hub is down');
		h = await startHub(port);
		write(h.fds.bars, bars);
		write(h.fds.alerts, alerts);
		write(h.fds.news, news);
		await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'live' &&
			window.__dash.state.connects === 2, null, { timeout: 15000 });
		await sleep(500);
		s = await series();
		const rows = await page.locator('#alerts tbody tr').count();
		check(s.candles === 90 && rows === alerts.length && await page.locator('#news li').count() === 6,
			'reconnected and re-subscribed: history taken again without duplicates');
		await small.waitForFunction(() => window.__dash.state.connects === 2, null, { timeout: 15000 });
		await sleep(300);
		const after = await lists(small);
		check(JSON.stringify(after) === JSON.stringify(before),
			`small page after the reconnect: the same rows, nothing dropped comes back (${JSON.stringify(after)})`);
		check(offsite.length === 0, `every request stayed on the hub ${offsite.join(' ')}`);
	} finally {
		await saveShot();
		await ctx.close();
		if (hub) await stopHub(h);
	}
}

setTimeout(async () => {
	console.log('FAIL still running after 100 s');
	await saveShot();
	if (hub) hub.kill('SIGKILL');
	process.exit(1);
}, 100000).unref();
main().then(() => process.exit(0), (e) => {
	console.error(e.stack || String(e));
	if (hub) hub.kill('SIGKILL');
	process.exit(1);
});
