// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of user/key.c: base64 both ways and the key file reader. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"
#include "unit.h"

static char dir[] = "/tmp/hotline-unit-XXXXXX";

static const char *keyfile(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	return path;
}

static const char *dir_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void test_base64(void)
{
	static const struct { const char *raw, *b64; } v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = {
		"Zg=", "Zg=a", "Zh==", "Zm9=", "Z===", "Zm9v!A==", "Zg==Zg==", "Zm 9v",
	};
	char out[64], name[64];
	uint8_t raw[64];
	unsigned int i;
	long n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(name, sizeof(name), "base64 of \"%s\"", v[i].raw);
		base64_encode((const uint8_t *)v[i].raw, strlen(v[i].raw), out);
		n = base64_decode(v[i].b64, strlen(v[i].b64), raw, sizeof(raw));
		CHECK(!strcmp(out, v[i].b64) && n == (long)strlen(v[i].raw) &&
		      !memcmp(raw, v[i].raw, (size_t)n), name, "got %s / %ld", out, n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "base64 \"%s\" refused", bad[i]);
		CHECK(base64_decode(bad[i], strlen(bad[i]), raw, sizeof(raw)) == -1, name,
		      "accepted");
	}
	CHECK(base64_decode("Zm9vYmFy", 8, raw, 5) == -1, "base64 beyond the output refused",
	      "accepted");
}

static void test_key_file(void)
{
	uint8_t key[HOTLINE_KEY_LEN], want[HOTLINE_KEY_LEN];
	char text[KEY_B64_LEN + 4];
	struct parse_error e = { "" };
	unsigned int i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 1);
	base64_encode(want, sizeof(want), text);
	CHECK(strlen(text) == KEY_B64_LEN, "a key is 44 base64 characters", "%zu",
	      strlen(text));
	strcat(text, "\n");
	CHECK(key_file_read(keyfile("good", text), key, &e) == 0 &&
	      !memcmp(key, want, sizeof(key)), "key file with a newline reads", "%s", e.why);
	CHECK(key_file_read(keyfile("short", "Zm9vYmFy\n"), key, &e) == -1 &&
	      strstr(e.why, "32-byte key"), "key file of 6 bytes refused", "%s", e.why);
	base64_encode(want, 31, text);
	CHECK(key_file_read(keyfile("31", text), key, &e) == -1,
	      "key file of 31 bytes refused", "accepted");
	CHECK(key_file_read(keyfile("garbage", "not a key at all, really not\n"), key,
			    &e) == -1 && strstr(e.why, "genkey"),
	      "garbage key file refused", "%s", e.why);
	CHECK(key_file_read(keyfile("empty", ""), key, &e) == -1, "empty key file refused",
	      "accepted");
	base64_encode(want, sizeof(want), text);
	keyfile("open", text);
	chmod(dir_path("open"), 0644);
	CHECK(key_file_read(dir_path("open"), key, &e) == -1 &&
	      strstr(e.why, "open to group or others (mode 0644): chmod 600 it"),
	      "key file of mode 0644 refused", "%s", e.why);
	chmod(dir_path("open"), 0620);
	CHECK(key_file_read(dir_path("open"), key, &e) == -1 &&
	      strstr(e.why, "(mode 0620)"), "key file writable by its group refused",
	      "%s", e.why);
	chmod(dir_path("open"), 0400);
	CHECK(key_file_read(dir_path("open"), key, &e) == 0 &&
	      !memcmp(key, want, sizeof(key)), "key file of mode 0400 reads", "%s", e.why);
	CHECK(key_file_read("/nonexistent/hotline.key", key, &e) == -1 &&
	      strstr(e.why, "cannot open"), "missing key file refused", "%s", e.why);
}

int main(int argc, char **argv)
{
	char cmd[64];
	int ret;

	unit_init(argc, argv);
	if (!mkdtemp(dir)) {
		printf("FAIL: key tests: cannot make a temporary directory\n");
		return 1;
	}
	test_base64();
	test_key_file();
	ret = unit_done();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("FAIL: key tests: cannot remove %s\n", dir);
	return ret;
}
