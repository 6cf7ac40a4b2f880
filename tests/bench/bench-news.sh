#!/bin/sh
# bench-news.sh -- html2text and sentiment against their anchors, in one
# run, on the same inputs:
#   html2text (plain and --main) in MB/s against gumbo's own parse of the
#   same pages (a small C program doing only gumbo_parse and
#   gumbo_destroy_output, built here into build/), python3's html2text
#   (Debian's python3-html2text) and w3m -dump;
#   sentiment in records/s against the npm package sentiment (AFINN-165)
#   on the same texts.
#
# Pages: the article pages of tests/data/html2text, each grown to about
# 250 KB by repeating its article and boilerplate blocks, PAGES pages in
# all. Python and w3m each get all pages as one file (one start-up),
# gumbo and html2text get them as files in one process. Then tag-dense
# input (<p><b>x</b></p> repeated, DENSE_MB MB) through gumbo and
# html2text, and the peak memory of each on the pages as one document and
# on the tag-dense one, as a multiple of the input size.
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). PAGES, RECORDS, RUNS and DENSE_MB change the
# sizes; BENCH_NEWS=html2text or BENCH_NEWS=sentiment runs one part only.
set -eu

PAGES=${PAGES:-40}
RECORDS=${RECORDS:-100000}
RUNS=${RUNS:-3}
DENSE_MB=${DENSE_MB:-3}
BENCH_NEWS=${BENCH_NEWS:-all}
TOP=$(pwd)
: "${MKT_BUILD:=$TOP/build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

case $BENCH_NEWS in
all) parts="html2text sentiment" ;;
html2text|sentiment) parts=$BENCH_NEWS ;;
*) echo "bench-news: BENCH_NEWS is all, html2text or sentiment" >&2; exit 2 ;;
esac
want() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }

for p in $parts; do
	command -v $p >/dev/null || { echo "bench-news: $p is not built" >&2; exit 1; }
done

now_ns() { date +%s%N; }

# best_of CMD... -- the fastest of RUNS runs of CMD (output discarded), in ns
best_of() {
	best=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" > /dev/null
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ $best -eq 0 ] || [ $d -lt $best ]; then best=$d; fi
		i=$((i + 1))
	done
	echo $best
}

mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.2f", b / 1048576 / (ns / 1e9) }'; }
rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

if want html2text; then
# ---- pages
python3 - "$TOP/tests/data/html2text" "$tmp/pages" "$PAGES" <<'EOF'
import os, re, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(dst)
names = sorted(f for f in os.listdir(src) if f.endswith('.html') and f not in ('listing.html', 'plain.html'))
for i in range(n):
    page = open(os.path.join(src, names[i % len(names)]), encoding='utf-8').read()
    head, sep, rest = page.partition('<body')
    body, sep2, tail = rest.rpartition('</body>')
    reps = max(1, 250000 // max(1, len(body)))
    grown = head + sep + (body + '\n') * reps + sep2 + tail
    open(os.path.join(dst, 'p%03d.html' % i), 'w', encoding='utf-8').write(grown)
EOF
cat "$tmp"/pages/*.html > "$tmp/all.html"
bytes=$(cat "$tmp"/pages/*.html | wc -c)

# ---- gumbo alone: parse and free each page
mkdir -p "$MKT_BUILD"
cat > "$tmp/gumbo-parse.c" <<'EOF'
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			return 1;
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		rewind(f);
		char *b = malloc(n + 1);
		if (!b || fread(b, 1, n, f) != (size_t)n)
			return 1;
		fclose(f);
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, b, n);
		gumbo_destroy_output(&kGumboDefaultOptions, o);
		free(b);
	}
	return 0;
}
EOF
cc -O2 -o "$MKT_BUILD/gumbo-parse" "$tmp/gumbo-parse.c" $(pkg-config --cflags --libs gumbo)

t_gumbo=$(best_of "$MKT_BUILD/gumbo-parse" "$tmp"/pages/*.html)
t_plain=$(best_of html2text --max-bytes 64M "$tmp"/pages/*.html)
t_main=$(best_of html2text --main --max-bytes 64M "$tmp"/pages/*.html)
pyrun() { /usr/bin/python3 -m html2text "$tmp/all.html"; }
t_py=$(best_of pyrun)
w3mrun() { w3m -dump -T text/html -cols 100 "$tmp/all.html"; }
t_w3m=$(best_of w3mrun)

# ---- tag-dense input, and peak memory
python3 -c "import sys; sys.stdout.write('<html><body>' + '<p><b>x</b></p>' * ($DENSE_MB * 1048576 // 15))" > "$tmp/dense.html"
dbytes=$(wc -c < "$tmp/dense.html")
t_gdense=$(best_of "$MKT_BUILD/gumbo-parse" "$tmp/dense.html")
t_dense=$(best_of html2text --max-bytes 64M "$tmp/dense.html")
# peak_kb CMD... -- the peak resident memory of CMD in KB (GNU time)
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
times_in() { awk -v kb="$1" -v b="$2" 'BEGIN { printf "%.1f", kb * 1024 / b }'; }
mem=
if [ -x /usr/bin/time ]; then
	mem=1
	abytes=$(wc -c < "$tmp/all.html")
	m_gall=$(peak_kb "$MKT_BUILD/gumbo-parse" "$tmp/all.html")
	m_all=$(peak_kb html2text --max-bytes 64M "$tmp/all.html")
	m_mall=$(peak_kb html2text --main --max-bytes 64M "$tmp/all.html")
	m_gdense=$(peak_kb "$MKT_BUILD/gumbo-parse" "$tmp/dense.html")
	m_dense=$(peak_kb html2text --max-bytes 64M "$tmp/dense.html")
fi

fi

if want sentiment; then
# ---- sentiment texts: the labelled sentences and article paragraphs, mixed
python3 - "$TOP" "$RECORDS" > "$tmp/texts.txt" <<'EOF'
import glob, random, sys
top, n = sys.argv[1], int(sys.argv[2])
lines = []
for f in glob.glob(top + '/tests/data/sentiment/*.tsv'):
    lines += [l.split('\t', 1)[1].strip() for l in open(f, encoding='utf-8') if '\t' in l and not l.startswith('#')]
for f in glob.glob(top + '/tests/data/html2text/*.txt'):
    lines += [l.strip() for l in open(f, encoding='utf-8') if len(l) > 40]
random.seed(7)
out = []
for i in range(n):
    out.append(' '.join(random.choice(lines) for _ in range(2)))
sys.stdout.write('\n'.join(out) + '\n')
EOF
cat > "$tmp/sent.js" <<'EOF'
const Sentiment = require(process.env.TOP + '/node_modules/sentiment');
const s = new Sentiment();
const lines = require('fs').readFileSync(process.argv[2], 'utf8').split('\n');
let out = [];
for (const l of lines) {
	if (!l) continue;
	const r = s.analyze(l);
	out.push(JSON.stringify({ text: l, score: r.score, comparative: r.comparative }));
	if (out.length >= 10000) { process.stdout.write(out.join('\n') + '\n'); out = []; }
}
process.stdout.write(out.join('\n') + '\n');
EOF
export TOP
srun() { sentiment --text < "$tmp/texts.txt"; }
nrun() { node "$tmp/sent.js" "$tmp/texts.txt"; }
t_sent=$(best_of srun)
t_node=$(best_of nrun)
nrec=$(wc -l < "$tmp/texts.txt")

fi

if want html2text; then
r_gumbo=$(mbps "$bytes" "$t_gumbo")
r_plain=$(mbps "$bytes" "$t_plain")
r_main=$(mbps "$bytes" "$t_main")
r_py=$(mbps "$bytes" "$t_py")
r_w3m=$(mbps "$bytes" "$t_w3m")
r_gdense=$(mbps "$dbytes" "$t_gdense")
r_dense=$(mbps "$dbytes" "$t_dense")
printf '%-56s %10s MB/s\n' "gumbo_parse + destroy ($PAGES pages, $((bytes / 1048576)) MB)" "$r_gumbo"
printf '%-56s %10s MB/s\n' "html2text (plain)" "$r_plain"
printf '%-56s %10s MB/s\n' "html2text --main" "$r_main"
printf '%-56s %10s MB/s\n' "python3 -m html2text (one file)" "$r_py"
printf '%-56s %10s MB/s\n' "w3m -dump (one file)" "$r_w3m"
printf '%-56s %10s MB/s\n' "gumbo_parse + destroy (tag-dense, $DENSE_MB MB)" "$r_gdense"
printf '%-56s %10s MB/s\n' "html2text (plain, tag-dense)" "$r_dense"
printf 'ratio html2text/gumbo        %6sx (goal >= 0.8)\n' "$(ratio "$r_plain" "$r_gumbo")"
printf 'ratio html2text --main/gumbo %6sx\n' "$(ratio "$r_main" "$r_gumbo")"
printf 'ratio html2text/gumbo, dense %6sx\n' "$(ratio "$r_dense" "$r_gdense")"
printf 'ratio html2text/python3      %6sx (goal >= 5)\n' "$(ratio "$r_plain" "$r_py")"
printf 'ratio html2text/w3m          %6sx\n' "$(ratio "$r_plain" "$r_w3m")"
if [ -n "$mem" ]; then
	printf 'peak memory, pages as one document (%s MB): gumbo %sx, html2text %sx, --main %sx the input\n' \
	    "$((abytes / 1048576))" "$(times_in "$m_gall" "$abytes")" "$(times_in "$m_all" "$abytes")" "$(times_in "$m_mall" "$abytes")"
	printf 'peak memory, tag-dense: gumbo %sx, html2text %sx the input\n' \
	    "$(times_in "$m_gdense" "$dbytes")" "$(times_in "$m_dense" "$dbytes")"
fi
fi
if want sentiment; then
r_sent=$(rate "$nrec" "$t_sent")
r_node=$(rate "$nrec" "$t_node")
printf '%-56s %10s records/s\n' "sentiment --text ($nrec texts)" "$r_sent"
printf '%-56s %10s records/s\n' "npm sentiment (AFINN-165), node" "$r_node"
printf 'ratio sentiment/npm          %6sx (goal >= 10)\n' "$(ratio "$r_sent" "$r_node")"
fi
