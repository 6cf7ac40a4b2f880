# html2text.mk -- html2text parses HTML with gumbo.
html2text_LDLIBS = $(shell pkg-config --libs gumbo)
html2text_CFLAGS = $(shell pkg-config --cflags gumbo)
