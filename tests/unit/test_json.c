/*
 * test_json.c — the suite's JSON writer (common/json.h): the three
 * escaping rules, the number and hex formats, members with pretty and
 * one-line objects, and a failed write reported by json_finish().
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

static struct json *j;
static char *text;
static size_t len;
static FILE *mem;

static void start(enum json_esc esc, int pretty)
{
    mem = open_memstream(&text, &len);
    CHECK(mem != NULL);
    json_init(j, mem, esc, pretty);
}

static void expect(const char *want)
{
    CHECK_EQ(json_finish(j, NULL), 0);
    fclose(mem);
    if (strcmp(text, want) != 0) {
        fprintf(stderr, "test_json: got  [%s]\n           want [%s]\n", text, want);
        exit(1);
    }
    free(text);
}

static const char bytes[] = "a\"\\/<>&\n\t\x01\x7f\xe9z";

int main(void)
{
    j = malloc(sizeof *j);
    CHECK(j != NULL);

    start(JSON_ESC_PLAIN, 0);
    json_put_str(j, bytes, sizeof bytes - 1);
    expect("\"a\\\"\\\\/<>&\\u000a\\u0009\\u0001\x7f\xe9z\"");

    start(JSON_ESC_ASCII, 0);
    json_put_str(j, bytes, sizeof bytes - 1);
    expect("\"a\\\"\\\\/<>&\\n\\t\\u0001\\u007f\\u00e9z\"");

    start(JSON_ESC_SCRIPT, 0);
    json_put_str(j, bytes, sizeof bytes - 1);
    expect("\"a\\\"\\\\\\/\\u003c\\u003e\\u0026\\u000a\\u0009\\u0001\\u007f\\u00e9z\"");

    start(JSON_ESC_PLAIN, 0);
    json_put_u64(j, UINT64_MAX), json_putc(j, ' ');
    json_put_i64(j, INT64_MIN), json_putc(j, ' ');
    json_put_us(j, 1234), json_putc(j, ' ');
    json_put_us(j, -5), json_putc(j, ' ');
    json_put_hex(j, 0x1f), json_putc(j, ' ');
    json_put_hexstr(j, 0), json_putc(j, ' ');
    json_put_hexbytes(j, (const uint8_t *)"\x01\xab", 2), json_putc(j, ' ');
    json_put_fmt(j, "%.1f", 2.25), json_putc(j, ' ');
    json_put_html(j, "<a href='x'>&\x01\xe9</a>");
    expect("18446744073709551615 -9223372036854775808 1.234 -0.005 0x1f \"0x0\" \"01ab\" "
           "2.2 &lt;a href=&#39;x&#39;&gt;&amp;&#xe9;&lt;&#47;a&gt;");

    start(JSON_ESC_ASCII, 1);
    json_obj_begin(j, NULL);
    json_str(j, "s", "x");
    json_str(j, "none", NULL);
    json_arr_begin(j, "list");
    json_obj_begin_line(j, NULL);
    json_u64(j, "a", 1);
    json_bool(j, "b", 0);
    json_obj_end(j);
    json_arr_end(j);
    json_arr_begin(j, "empty");
    json_arr_end(j);
    json_obj_end(j);
    CHECK_EQ(json_end(j), 0);
    expect("{\n  \"s\": \"x\",\n  \"none\": null,\n  \"list\": [\n    {\"a\": 1, \"b\": false}\n"
           "  ],\n  \"empty\": []\n}\n");

    start(JSON_ESC_PLAIN, 0);
    json_list(j);
    for (int i = 0; i < 3; i++) {
        json_item(j);
        json_put_i64(j, i);
    }
    expect("0,\n1,\n2");

    /* more than the buffer, in one piece and byte by byte */
    start(JSON_ESC_PLAIN, 0);
    size_t big = 3 * sizeof j->buf / 2;
    char *s = malloc(big);
    memset(s, 'x', big);
    json_put(j, s, big);
    for (size_t i = 0; i < big; i++)
        json_putc(j, 'y');
    CHECK_EQ(json_finish(j, NULL), 0);
    fclose(mem);
    CHECK_EQ(len, 2 * big);
    CHECK(text[big - 1] == 'x' && text[big] == 'y' && text[2 * big - 1] == 'y');
    free(text);
    free(s);

    /* a failed write is an error, reported once */
    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        json_init(j, full, JSON_ESC_PLAIN, 0);
        for (int i = 0; i < 100000; i++)
            JSON_LIT(j, "0123456789");
        CHECK_EQ(json_finish(j, NULL), -1);
        CHECK(j->err);
        fclose(full);
    }
    free(j);
    printf("test_json: ok\n");
    return 0;
}
