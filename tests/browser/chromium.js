// SPDX-License-Identifier: MIT
// chromium.js -- Debian's chromium, headless, through playwright-core, as
// the browser tests start it: a fresh profile in DIR, no sandbox (the tests
// may run as root), and none of the background traffic a closed network
// would refuse.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../node_modules/playwright-core'));

// launch(DIR) -- a persistent context with a new profile under DIR.
async function launch(dir) {
	const profile = fs.mkdtempSync(path.join(dir, 'chromium-'));
	return chromium.launchPersistentContext(profile, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1440, height: 900 },
	});
}

module.exports = { launch };
