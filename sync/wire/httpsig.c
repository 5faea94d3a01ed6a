/* httpsig: RFC 9421 signatures with Ed25519 and RFC 9530 digests. The
 * fields are Structured Fields (RFC 8941) dictionaries: a small parser for
 * the types the profile uses, and a serialiser that writes them back
 * canonically, since the signature base holds the serialised parameters. */
#include "httpsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define SF_INTEGER_DIGITS 15

/* A cursor over a field value. */
struct sf {
	const char *p;
	struct err *e;
};

static int
is_lcalpha(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

static int
is_tchar(char c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void
skip_sp(struct sf *f)
{
	while (*f->p == ' ')
		f->p++;
}

static void
skip_ows(struct sf *f)
{
	while (*f->p == ' ' || *f->p == '\t')
		f->p++;
}

/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
static int
parse_key(struct sf *f, char out[HTTPSIG_NAME_MAX])
{
	size_t n = 0;

	if (!is_lcalpha(*f->p) && *f->p != '*')
		return err_set(
		    f->e, "a key must start with a lower-case letter at \"%.20s\"", f->p);
	while (is_lcalpha(*f->p) || is_digit(*f->p) || (*f->p != '\0' && strchr("_-.*", *f->p))) {
		if (n + 1 >= HTTPSIG_NAME_MAX)
			return err_set(f->e, "a key is too long");
		out[n++] = *f->p++;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_string(struct sf *f, char *out, size_t max)
{
	size_t n = 0;
	char c;

	f->p++; /* the opening quote */
	for (;;) {
		c = *f->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			c = *f->p++;
			if (c != '"' && c != '\\')
				return err_set(f->e, "a string holds a bad escape");
		} else if (c < 0x20 || c > 0x7e)
			return err_set(f->e, "a string is not closed or holds a control character");
		if (n + 1 >= max)
			return err_set(f->e, "a string is too long");
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_token(struct sf *f, char *out, size_t max)
{
	size_t n = 0;

	while (is_tchar(*f->p) || *f->p == ':' || *f->p == '/') {
		if (n + 1 >= max)
			return err_set(f->e, "a token is too long");
		out[n++] = *f->p++;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_integer(struct sf *f, long long *v)
{
	int neg = 0, n = 0;
	long long x = 0;

	if (*f->p == '-') {
		neg = 1;
		f->p++;
	}
	if (!is_digit(*f->p))
		return err_set(f->e, "a number has no digits");
	while (is_digit(*f->p)) {
		if (++n > SF_INTEGER_DIGITS)
			return err_set(f->e, "a number has more than 15 digits");
		x = x * 10 + (*f->p++ - '0');
	}
	if (*f->p == '.')
		return err_set(f->e, "decimal numbers are not used here");
	*v = neg ? -x : x;
	return 0;
}

/* :base64: into out (at most max bytes); *len the bytes decoded. */
static int
parse_bytes(struct sf *f, unsigned char *out, size_t max, size_t *len)
{
	const char *start = ++f->p, *end;

	while (*f->p != ':' && *f->p != '\0')
		f->p++;
	if (*f->p != ':')
		return err_set(f->e, "a byte sequence is not closed");
	end = f->p++;
	if (sodium_base642bin(out, max, start, (size_t)(end - start), NULL, len, NULL,
	        sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_set(f->e, "a byte sequence is not base64 (or too long)");
	return 0;
}

/* A bare item into p (not a byte sequence: the callers that take one read
 * it themselves). */
static int
parse_bare(struct sf *f, struct httpsig_param *p)
{
	char c = *f->p;

	if (c == '-' || is_digit(c)) {
		p->type = HTTPSIG_INTEGER;
		return parse_integer(f, &p->num);
	}
	if (c == '"') {
		p->type = HTTPSIG_STRING;
		return parse_string(f, p->str, sizeof p->str);
	}
	if (c == '?') {
		if (f->p[1] != '0' && f->p[1] != '1')
			return err_set(f->e, "a boolean is ?0 or ?1");
		p->type = HTTPSIG_BOOLEAN;
		p->num = f->p[1] == '1';
		f->p += 2;
		return 0;
	}
	if (is_alpha(c) || c == '*') {
		p->type = HTTPSIG_TOKEN;
		return parse_token(f, p->str, sizeof p->str);
	}
	return err_set(f->e, "unexpected \"%.20s\"", f->p);
}

/* Parameters after an item: ;key[=value]... Into s when s is not NULL;
 * otherwise (a component's parameters) refused. */
static int
parse_params(struct sf *f, struct httpsig *s)
{
	struct httpsig_param p;

	while (*f->p == ';') {
		f->p++;
		skip_sp(f);
		memset(&p, 0, sizeof p);
		if (parse_key(f, p.key) == -1)
			return -1;
		if (*f->p == '=') {
			f->p++;
			if (parse_bare(f, &p) == -1)
				return -1;
		} else {
			p.type = HTTPSIG_BOOLEAN;
			p.num = 1;
		}
		if (s == NULL)
			return err_set(
			    f->e, "component parameters (\";%s\") are not used here", p.key);
		for (size_t i = 0; i < s->nparam; i++)
			if (strcmp(s->param[i].key, p.key) == 0)
				return err_set(f->e, "parameter \"%s\" given twice", p.key);
		if (s->nparam == HTTPSIG_MAX_PARAMS)
			return err_set(f->e, "too many parameters");
		s->param[s->nparam++] = p;
	}
	return 0;
}

/* ( "comp" "comp" ... );params */
static int
parse_inner_list(struct sf *f, struct httpsig *s)
{
	struct httpsig_param item;

	if (*f->p != '(')
		return err_set(f->e, "Signature-Input's value must be a list in parentheses");
	f->p++;
	for (;;) {
		skip_sp(f);
		if (*f->p == ')') {
			f->p++;
			break;
		}
		if (*f->p != '"')
			return err_set(f->e, "a covered component must be a quoted string");
		memset(&item, 0, sizeof item);
		if (parse_string(f, item.str, sizeof item.str) == -1 || parse_params(f, NULL) == -1)
			return -1;
		if (httpsig_covers(s, item.str))
			return err_set(f->e, "component \"%s\" is covered twice", item.str);
		if (httpsig_cover(s, item.str) == -1)
			return err_set(f->e, "too many or too long covered components");
		if (*f->p != ' ' && *f->p != ')')
			return err_set(f->e, "components must be separated by spaces");
	}
	return parse_params(f, s);
}

/* The end of a one-member dictionary: nothing, or a second member (refused). */
static int
dict_end(struct sf *f, const char *field)
{
	skip_ows(f);
	if (*f->p == ',')
		return err_set(f->e, "%s holds more than one signature; send one", field);
	if (*f->p != '\0')
		return err_set(f->e, "%s: unexpected \"%.20s\"", field, f->p);
	return 0;
}

void
httpsig_init(struct httpsig *s, const char *label)
{
	memset(s, 0, sizeof *s);
	snprintf(s->label, sizeof s->label, "%s", label);
}

int
httpsig_cover(struct httpsig *s, const char *component)
{
	if (s->ncomp == HTTPSIG_MAX_COMPONENTS || strlen(component) >= HTTPSIG_NAME_MAX)
		return -1;
	snprintf(s->comp[s->ncomp++], HTTPSIG_NAME_MAX, "%s", component);
	return 0;
}

static struct httpsig_param *
new_param(struct httpsig *s, const char *key)
{
	struct httpsig_param *p;

	if (s->nparam == HTTPSIG_MAX_PARAMS || strlen(key) >= HTTPSIG_NAME_MAX)
		return NULL;
	p = &s->param[s->nparam++];
	memset(p, 0, sizeof *p);
	snprintf(p->key, sizeof p->key, "%s", key);
	return p;
}

int
httpsig_set_string(struct httpsig *s, const char *key, const char *value)
{
	struct httpsig_param *p;

	if (strlen(value) >= HTTPSIG_VALUE_MAX || (p = new_param(s, key)) == NULL)
		return -1;
	p->type = HTTPSIG_STRING;
	snprintf(p->str, sizeof p->str, "%s", value);
	return 0;
}

int
httpsig_set_integer(struct httpsig *s, const char *key, long long value)
{
	struct httpsig_param *p = new_param(s, key);

	if (p == NULL)
		return -1;
	p->type = HTTPSIG_INTEGER;
	p->num = value;
	return 0;
}

int
httpsig_parse(const char *input, const char *signature, struct httpsig *s, struct err *e)
{
	struct sf f = { input, e };
	char label[HTTPSIG_NAME_MAX];
	size_t len = 0;

	memset(s, 0, sizeof *s);
	if (input == NULL || signature == NULL)
		return err_set(e, "the request is not signed (no Signature-Input or Signature)");
	if (strlen(input) > HTTPSIG_FIELD_MAX || strlen(signature) > HTTPSIG_FIELD_MAX)
		return err_set(e, "Signature-Input or Signature is too long");
	skip_sp(&f);
	if (parse_key(&f, s->label) == -1 || *f.p != '=')
		return err_set(e, "Signature-Input must be LABEL=(COMPONENTS);PARAMETERS");
	f.p++;
	if (parse_inner_list(&f, s) == -1 || dict_end(&f, "Signature-Input") == -1)
		return err_prefix(e, "Signature-Input");

	f.p = signature;
	skip_sp(&f);
	if (parse_key(&f, label) == -1 || f.p[0] != '=' || f.p[1] != ':')
		return err_set(e, "Signature must be LABEL=:BASE64:");
	f.p++;
	if (strcmp(label, s->label) != 0)
		return err_set(
		    e, "Signature's label \"%s\" is not Signature-Input's \"%s\"", label, s->label);
	if (parse_bytes(&f, s->sig, sizeof s->sig, &len) == -1 || parse_params(&f, NULL) == -1 ||
	    dict_end(&f, "Signature") == -1)
		return err_prefix(e, "Signature");
	if (len != sizeof s->sig)
		return err_set(e, "Signature: an Ed25519 signature is 64 bytes, not %zu", len);
	return 0;
}

static const struct httpsig_param *
find_param(const struct httpsig *s, const char *key)
{
	for (size_t i = 0; i < s->nparam; i++)
		if (strcmp(s->param[i].key, key) == 0)
			return &s->param[i];
	return NULL;
}

const char *
httpsig_string(const struct httpsig *s, const char *key)
{
	const struct httpsig_param *p = find_param(s, key);

	return p != NULL && p->type == HTTPSIG_STRING ? p->str : NULL;
}

int
httpsig_integer(const struct httpsig *s, const char *key, long long *v)
{
	const struct httpsig_param *p = find_param(s, key);

	if (p == NULL || p->type != HTTPSIG_INTEGER)
		return -1;
	*v = p->num;
	return 0;
}

int
httpsig_covers(const struct httpsig *s, const char *component)
{
	for (size_t i = 0; i < s->ncomp; i++)
		if (strcmp(s->comp[i], component) == 0)
			return 1;
	return 0;
}

/* Append text to a growing buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const char *text, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, text, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *text)
{
	put(b, text, strlen(text));
}

static void
put_string(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			put(b, "\\", 1);
		put(b, s, 1);
	}
	put(b, "\"", 1);
}

/* The inner list with its parameters, serialised (RFC 8941 section 4.1). */
static void
put_params_value(struct buf *b, const struct httpsig *s)
{
	char num[32];

	put(b, "(", 1);
	for (size_t i = 0; i < s->ncomp; i++) {
		if (i > 0)
			put(b, " ", 1);
		put_string(b, s->comp[i]);
	}
	put(b, ")", 1);
	for (size_t i = 0; i < s->nparam; i++) {
		const struct httpsig_param *p = &s->param[i];

		put(b, ";", 1);
		puts_(b, p->key);
		switch (p->type) {
		case HTTPSIG_STRING:
			put(b, "=", 1);
			put_string(b, p->str);
			break;
		case HTTPSIG_INTEGER:
			snprintf(num, sizeof num, "=%lld", p->num);
			puts_(b, num);
			break;
		case HTTPSIG_TOKEN:
			put(b, "=", 1);
			puts_(b, p->str);
			break;
		case HTTPSIG_BOOLEAN:
			if (!p->num)
				puts_(b, "=?0");
			break;
		}
	}
}

char *
httpsig_base(const struct httpsig *s, httpsig_value_fn *value, void *ctx, struct err *e)
{
	struct buf b = { 0 };
	const char *v;

	for (size_t i = 0; i < s->ncomp; i++) {
		if (strcmp(s->comp[i], "@signature-params") == 0) {
			err_set(e, "\"@signature-params\" cannot be covered");
			goto fail;
		}
		if ((v = value(ctx, s->comp[i])) == NULL) {
			err_set(e, "the signature covers \"%s\", which the request does not have",
			    s->comp[i]);
			goto fail;
		}
		if (strpbrk(v, "\r\n") != NULL) {
			err_set(e, "\"%s\" holds a line break", s->comp[i]);
			goto fail;
		}
		put_string(&b, s->comp[i]);
		puts_(&b, ": ");
		puts_(&b, v);
		put(&b, "\n", 1);
	}
	puts_(&b, "\"@signature-params\": ");
	put_params_value(&b, s);
	return b.p;
fail:
	free(b.p);
	return NULL;
}

int
httpsig_sign(struct httpsig *s, httpsig_value_fn *value, void *ctx,
    const unsigned char sk[crypto_sign_SECRETKEYBYTES], struct err *e)
{
	char *base = httpsig_base(s, value, ctx, e);

	if (base == NULL)
		return -1;
	crypto_sign_detached(s->sig, NULL, (const unsigned char *)base, strlen(base), sk);
	free(base);
	return 0;
}

int
httpsig_verify(const struct httpsig *s, httpsig_value_fn *value, void *ctx,
    const unsigned char pk[crypto_sign_PUBLICKEYBYTES], struct err *e)
{
	char *base = httpsig_base(s, value, ctx, e);
	int ok;

	if (base == NULL)
		return -1;
	ok = crypto_sign_verify_detached(s->sig, (const unsigned char *)base, strlen(base), pk);
	free(base);
	if (ok != 0)
		return err_set(e, "the request's signature does not verify");
	return 0;
}

char *
httpsig_input_field(const struct httpsig *s)
{
	struct buf b = { 0 };

	puts_(&b, s->label);
	put(&b, "=", 1);
	put_params_value(&b, s);
	return b.p;
}

char *
httpsig_signature_field(const struct httpsig *s)
{
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof b64, s->sig, sizeof s->sig, sodium_base64_VARIANT_ORIGINAL);
	return xasprintf("%s=:%s:", s->label, b64);
}

char *
httpsig_digest_field(const unsigned char *body, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(
	    crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, body, len);
	sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	return xasprintf("sha-256=:%s:", b64);
}

/* Walk the digest dictionary; with body set, compare each digest known. */
static int
digest_walk(const char *field, const unsigned char *body, size_t len, struct err *e)
{
	struct sf f = { field, e };
	char key[HTTPSIG_NAME_MAX];
	unsigned char want[crypto_hash_sha512_BYTES], got[crypto_hash_sha512_BYTES];
	size_t n, known = 0;

	if (field == NULL)
		return err_set(e, "no Content-Digest");
	if (strlen(field) > HTTPSIG_FIELD_MAX)
		return err_set(e, "Content-Digest is too long");
	skip_sp(&f);
	for (;;) {
		if (parse_key(&f, key) == -1)
			return err_prefix(e, "Content-Digest");
		if (f.p[0] != '=' || f.p[1] != ':')
			return err_set(e, "Content-Digest must be ALGORITHM=:BASE64:");
		f.p++;
		if (parse_bytes(&f, want, sizeof want, &n) == -1 || parse_params(&f, NULL) == -1)
			return err_prefix(e, "Content-Digest");
		if (strcmp(key, "sha-256") == 0 || strcmp(key, "sha-512") == 0) {
			size_t need =
			    key[4] == '2' ? crypto_hash_sha256_BYTES : crypto_hash_sha512_BYTES;

			if (n != need)
				return err_set(e,
				    "Content-Digest: a %s digest is %zu bytes, not %zu", key, need,
				    n);
			if (body != NULL) {
				if (need == crypto_hash_sha256_BYTES)
					crypto_hash_sha256(got, body, len);
				else
					crypto_hash_sha512(got, body, len);
				if (sodium_memcmp(got, want, need) != 0)
					return err_set(e,
					    "the body does not match its Content-Digest (%s): "
					    "changed or cut on the way",
					    key);
			}
			known++;
		}
		skip_ows(&f);
		if (*f.p == '\0')
			break;
		if (*f.p++ != ',')
			return err_set(e, "Content-Digest: unexpected \"%.20s\"", f.p - 1);
		skip_ows(&f);
	}
	if (known == 0)
		return err_set(e, "Content-Digest names neither sha-256 nor sha-512");
	return 0;
}

int
httpsig_digest_parse(const char *field, struct err *e)
{
	return digest_walk(field, NULL, 0, e);
}

int
httpsig_digest_check(const char *field, const unsigned char *body, size_t len, struct err *e)
{
	static const unsigned char empty[1];

	return digest_walk(field, body != NULL ? body : empty, len, e);
}
