/*
 * numparse.h: numbers parsed the way Katib's services parse them.  Katib
 * keeps parameter bounds and settings as strings; each suggestion service
 * converts them with Python's int()/float() or Go's strconv, and those
 * accept different texts (" 7 " is a Python int but not a Go one).
 */
#ifndef KATIB_SRC_NUMPARSE_H
#define KATIB_SRC_NUMPARSE_H

#include <stdint.h>

/* Python int(s): whitespace around, a sign, digits with single '_'. */
int num_py_int(const char *s, int64_t *out);
/* Python float(s): also exponents, "inf", "infinity", "nan" in any case. */
int num_py_float(const char *s, double *out);
/* Go strconv.Atoi: an optional sign and digits, nothing else. */
int num_go_int(const char *s, int64_t *out);
/* Go strconv.ParseFloat(s, 64), decimal forms and Inf/NaN. */
int num_go_float(const char *s, double *out);

#endif
