// murmur2.js -- Kafka's Java partitioner for keyed records, written apart
// from librdkafka so that kcat-in's choice can be checked against it:
// Utils.murmur2 (seed 0x9747b28c) and toPositive(h) % partitions.
// Usage: node murmur2.js PARTITIONS KEY... -> "KEY HASH PARTITION" lines.
'use strict';

function murmur2(b) {
	const m = 0x5bd1e995;
	const len = b.length;
	let h = (0x9747b28c ^ len) | 0;

	for (let j = 0; j + 4 <= len; j += 4) {
		let k = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
		k = Math.imul(k, m);
		k ^= k >>> 24;
		k = Math.imul(k, m);
		h = Math.imul(h, m) ^ k;
	}
	const t = len & ~3;
	switch (len & 3) {
	case 3:
		h ^= b[t + 2] << 16;
		// falls through
	case 2:
		h ^= b[t + 1] << 8;
		// falls through
	case 1:
		h ^= b[t];
		h = Math.imul(h, m);
	}
	h ^= h >>> 13;
	h = Math.imul(h, m);
	h ^= h >>> 15;
	return h | 0;
}

const n = Number(process.argv[2]);
for (const key of process.argv.slice(3)) {
	const h = murmur2(Buffer.from(key, 'utf8'));
	console.log(key, h, (h & 0x7fffffff) % n);
}
