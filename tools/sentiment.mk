# sentiment.mk -- sentiment links only libmkt (and -lm, added for every program).
sentiment_LDLIBS :=
