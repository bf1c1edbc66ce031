#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "doc.h"
#include "doc-emit.h"
#include "doc-yaml.h"
#include "generate.h"

/* Every string must read back as the same string, whatever it looks like. */
void test_emit_roundtrip(void)
{
	static const char *const tricky[] = {
		"", "yes", "No", "on", "~", "null", "0.01", "1e3", "0x1F", "012",
		"-1", ".inf", "- a", "-", "--lr=${trialParameters.lr}", "a: b",
		"a #b", "#c", "[x]", "{y}", "x,", "'q'", "\"d\"", "line\nbreak",
		"tab\there", " lead", "trail ", "<<", "=", "---", "?", ":", "a:",
		"status.conditions.#(type==\"Complete\")#|#(status==\"True\")#",
		"\x01ctl", "ünïcode", "*alias", "&anchor", "!tag", "%dir", "@at",
		"`tick", "|", ">", "3:30", "1_000",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tricky); i++) {
		static const struct doc_limits lim = DOC_LIMITS_DEFAULT;
		struct buf b = BUF_INIT;
		struct doc_reader *r;
		struct doc *d = NULL;
		struct fail f = FAIL_INIT;
		const struct doc_node *v;

		buf_adds(&b, "k: ");
		doc_emit_yaml_str(tricky[i], strlen(tricky[i]), &b);
		buf_addch(&b, '\n');
		doc_reader_open_mem(&r, "t", b.buf, b.len, &lim);
		OK(doc_reader_next(r, &d, &f) > 0 && d->root, "emitted string %zu reads", i);
		v = d && d->root ? doc_get(d->root, "k") : NULL;
		OK(v && v->kind == DOC_STR && v->len == strlen(tricky[i]) &&
		   !memcmp(v->text, tricky[i], v->len),
		   "string %zu reads back as itself", i);
		doc_free(d);
		doc_reader_free(r);
		buf_release(&b);
	}
}

void test_gen_param(void)
{
	struct arena a = ARENA_INIT;
	struct gen_param p;
	struct fail f = FAIL_INIT;

	OK(!gen_param_parse(&a, "lr=double:0.001:0.1:log", &p, &f) &&
	   p.type == GEN_DOUBLE && !strcmp(p.min, "0.001") &&
	   !strcmp(p.max, "0.1") && !strcmp(p.distribution, "logUniform"),
	   "double with log");
	OK(!gen_param_parse(&a, "n=int:2:8:step=2", &p, &f) && !strcmp(p.step, "2"),
	   "int with step");
	OK(!gen_param_parse(&a, "o=categorical:a,b,c", &p, &f) && p.nr_list == 3 &&
	   !strcmp(p.list[2], "c"), "categorical list");
	OK(gen_param_parse(&a, "o=discrete:1,x", &p, &f) && f.kind == FAIL_USAGE,
	   "discrete values must be numbers");
	OK(gen_param_parse(&a, "lr=double:0.1:0.01", &p, &f) &&
	   strstr(f.msg, "not below"), "min above max");
	OK(gen_param_parse(&a, "lr=double:1:1", &p, &f), "min equal to max");
	OK(gen_param_parse(&a, "=double:1:2", &p, &f), "no name");
	OK(gen_param_parse(&a, "lr=double:nan:2", &p, &f), "NaN is no bound");
	OK(gen_param_parse(&a, "n=int:1:5:step=0", &p, &f), "a zero step");
	OK(gen_param_parse(&a, "n=int:1:5:wat", &p, &f) && strstr(f.msg, "unknown option"),
	   "unknown option");
	OK(gen_is_quantity("500m") && gen_is_quantity("4Gi") && gen_is_quantity("1.5") &&
	   gen_is_quantity("1e3") && !gen_is_quantity("4GB") && !gen_is_quantity("") &&
	   !gen_is_quantity("Gi") && !gen_is_quantity("-1"), "quantities");
	arena_release(&a);
}
