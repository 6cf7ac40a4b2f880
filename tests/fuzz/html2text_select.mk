# html2text_select.mk -- the harness includes html2text's sources whole,
# those that parse with gumbo and read the tree too.
fuzz_html2text_select_CFLAGS = $(shell pkg-config --cflags gumbo)
fuzz_html2text_select_LDLIBS = $(shell pkg-config --libs gumbo)
