# winagg.mk -- winagg links only libmkt (and -lm, added for every program).
winagg_LDLIBS :=
