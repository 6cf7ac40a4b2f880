# winagg.mk -- winagg links libjq for --where.
winagg_LDLIBS := $(JQ_LIBS)
