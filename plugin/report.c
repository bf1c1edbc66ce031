#include "compat.h"
#include "cmd.h"
#include "fail.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void error_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void warning_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void hint_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("hint: ", fmt, ap);
	va_end(ap);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	fprintf(stderr, "see 'kubectl katib%s%s --help'\n", cmd ? " " : "",
		cmd ? cmd : "");
	return STATUS_USAGE;
}

int api_failure(const struct fail *f)
{
	if (f->kind == FAIL_HTTP)
		fprintf(stderr, "%s\n", f->msg);
	else
		error_msg("%s", f->msg);
	if (f->hint[0])
		hint_msg("%s", f->hint);
	return STATUS_RUNTIME;
}
