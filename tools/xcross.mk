# xcross.mk -- xcross links libjq for --where.
xcross_LDLIBS := $(JQ_LIBS)
