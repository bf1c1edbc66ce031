#include "compat.h"
#include "fail.h"

int fail_set(struct fail *f, enum fail_kind kind, const char *fmt, ...)
{
	va_list ap;

	f->kind = kind;
	f->http_status = 0;
	f->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void fail_hint(struct fail *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->hint, sizeof(f->hint), fmt, ap);
	va_end(ap);
}

void fail_clear(struct fail *f)
{
	f->kind = FAIL_NONE;
	f->http_status = 0;
	f->msg[0] = '\0';
	f->hint[0] = '\0';
}
