// SPDX-License-Identifier: MIT
// demo.js -- the dashboard of a running stock monitor (pipelines/stock-monitor,
// which `make demo` runs) in a real browser: headless Debian chromium driven
// by playwright-core opens the page while the pipeline runs and must see
// candles, a moving average, an alert and a news article arrive there.
//
//   node demo.js URL SCREENSHOT [SECONDS]
//
// Waits up to SECONDS (default 60) for all of them. The screenshot is
// saved whatever the outcome, and its path printed. Prints one line per
// check; exits 0 when all pass.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { launch } = require('./chromium');

const [url, shot, secs] = process.argv.slice(2);
const deadline = Date.now() + 1000 * Number(secs || 60);
const origin = new URL(url).host;

function check(ok, what) {
	console.log(`${ok ? 'ok' : 'FAIL'} ${what}`);
	if (!ok) throw new Error(what);
}

async function main() {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mktpipe-demo-'));
	const ctx = await launch(tmp);
	const page = ctx.pages()[0] || await ctx.newPage();
	const errors = [], offsite = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('request', (r) => { if (new URL(r.url()).host !== origin) offsite.push(r.url()); });
	try {
		// the hub may still be starting: retry the first load
		for (;;) {
			try {
				await page.goto(url, { timeout: 5000 });
				break;
			} catch (e) {
				if (Date.now() > deadline) throw e;
				await new Promise((r) => setTimeout(r, 500));
			}
		}
		const left = () => Math.max(1000, deadline - Date.now());
		await page.waitForFunction(() => window.__dash && window.__dash.series().candles >= 3,
			null, { timeout: left() });
		let s = await page.evaluate(() => window.__dash.series());
		check(s.candles >= 3 && s.lastCandle && s.lastCandle.high >= s.lastCandle.low,
			`candles arrive from the pipeline's window rows (${s.symbol}: ${s.candles})`);
		await page.waitForFunction(() => window.__dash.series().fast >= 1, null, { timeout: left() });
		s = await page.evaluate(() => window.__dash.series());
		check(s.fast >= 1, `the fast moving average is drawn (${s.fast} points)`);
		await page.waitForFunction(() => document.querySelectorAll('#alerts tbody tr').length >= 1,
			null, { timeout: left() });
		const row = (await page.locator('#alerts tbody tr').first().innerText()).replace(/\s+/g, ' ');
		check(/BULLISH|BEARISH/.test(row), `an alert arrives in the table: ${row}`);
		await page.waitForFunction(() => document.querySelectorAll('#news li').length >= 1,
			null, { timeout: left() });
		const item = (await page.locator('#news li').first().innerText()).replace(/\s+/g, ' ');
		check(/bullish|bearish|neutral/i.test(item), `a scored article arrives in the news feed: ${item}`);
		check(await page.locator('#conn').getAttribute('data-state') === 'live', 'connection indicator is live');
		check(errors.length === 0, `no page errors ${errors.join('; ')}`);
		check(offsite.length === 0, `every request stayed on the hub ${offsite.join(' ')}`);
	} finally {
		await page.screenshot({ path: shot }).catch(() => {});
		console.log(`screenshot: ${shot}`);
		await ctx.close();
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

main().then(() => process.exit(0), (e) => {
	console.error(e.stack || String(e));
	process.exit(1);
});
