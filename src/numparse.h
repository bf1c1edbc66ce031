/*
 * numparse.h: numbers parsed the way Katib's services parse them.  Katib
 * keeps parameter bounds and settings as strings; each suggestion service
 * converts them with Python's int()/float() or Go's strconv, and those
 * accept different texts (" 7 " is a Python int but not a Go one).
 */
#ifndef KATIB_SRC_NUMPARSE_H
#define KATIB_SRC_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Python int(s): whitespace around (Unicode's too), a sign, digits (any
 * Unicode decimal digits) with single '_' between them, of any length:
 * beyond int64 *out is the nearest int64.
 */
int num_py_int(const char *s, int64_t *out);
/* str(int(s)): the digits Python keeps, whatever the size; -1 when int()
 * refuses s. */
int num_py_int_str(struct buf *out, const char *s);
/* Python float(s): also exponents, "inf", "infinity", "nan" in any case. */
int num_py_float(const char *s, double *out);
/*
 * The fewest significant digits (1 to 17) whose correctly rounded decimal
 * reads back as v: the precision of printf's %.*g and, less one, of %.*e
 * that gives the shortest text.  1 for infinities, 17 for NaN.  (Python's
 * repr() and Go's strconv find the same digits.)
 */
int num_shortest_precision(double v);
/* v as %.*g with that precision: "0.1", "2", "1e+21". */
void num_shortest_g(char *out, size_t size, double v);
/* Python's repr() of a float: the shortest text that reads back as v. */
void num_py_float_repr(struct buf *out, double v);
/* Python's repr(s) of a str, as its error messages quote a text. */
void num_py_repr(struct buf *out, const char *s);
/* Go strconv.Atoi: an optional sign and digits, nothing else. */
int num_go_int(const char *s, int64_t *out);
/* Go strconv.ParseFloat(s, 64), decimal forms and Inf/NaN. */
int num_go_float(const char *s, double *out);
/*
 * strtod(s, end), the same value and end for every s; short decimals
 * (most of what manifests hold) without strtod's cost.
 */
double num_strtod(const char *s, char **end);
/*
 * Its fast path alone: 0 and *out when s is a whole short decimal it
 * reads exactly, -1 when only strtod() can say.
 */
int num_strtod_fast(const char *s, double *out);

#endif
