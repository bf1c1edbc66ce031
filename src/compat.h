/*
 * compat.h: included first by every .c file of the project.
 *
 * It fixes the feature-test macros before any system header is seen and
 * defines the few attributes the code uses, so the rest of the code can stay
 * plain C11.
 */
#ifndef KATIB_SRC_COMPAT_H
#define KATIB_SRC_COMPAT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
/* For memmem(), which every libc we build on has. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define UNUSED __attribute__((unused))
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
/* A rare path kept out of a hot caller it would otherwise bloat. */
#define NOINLINE __attribute__((noinline))
#else
#define UNUSED
#define PRINTF_LIKE(fmt, args)
#define NOINLINE
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "banned.h"

#endif
