/* Not built: the input of scripts/mutate's own test (t0020). */
#include <stdio.h>

static int sample(int a, int b)
{
	/* a < b in a comment is not code */
	const char *s = "a == b && c";
	int n = 0;

	while (a > 3) {
		if (a <= b || b != 7)
			break;
		printf("%d -> %s\n", a, s);
		n += a >> 1;
	}
	return n;
}
