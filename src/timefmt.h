/*
 * timefmt.h: times as the Kubernetes API writes them and as kubectl
 * shows them, and the monotonic clock timeouts are counted on.
 */
#ifndef KATIB_SRC_TIMEFMT_H
#define KATIB_SRC_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * An RFC 3339 time ("2026-01-10T09:00:00Z", with a fraction or an offset)
 * in epoch seconds, as metav1.Time reads one.  Returns 0, or -1 when s is
 * none (NULL included).
 */
int time_parse_rfc3339(const char *s, int64_t *out);

/*
 * A duration as kubectl shows ages: "45s", "5m3s", "3h10m", "2d4h",
 * "400d", "3y20d" (HumanDuration, staging/src/k8s.io/apimachinery/pkg/
 * util/duration/duration.go, in kubernetes); "<invalid>" below -1 s, and
 * "0s" for -1 s (a clock a little behind the server's).
 */
void time_human_duration(int64_t secs, char *out, size_t size);

/* Milliseconds on the monotonic clock: for timeouts, never for dates. */
long monotonic_ms(void);

#endif
