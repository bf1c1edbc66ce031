/*
 * status-html.c: `status --html FILE`, one self-contained page about a
 * search: the best-so-far curve, a parallel-coordinates plot of the
 * parameters against the objective (as Katib's UI draws one), a scatter
 * of the objective over each parameter, and the trial table.  Inline SVG
 * and CSS only: the page loads nothing, so it can be mailed or archived,
 * and opens where the cluster's network is not reachable.  Everything
 * from the cluster is user input and is escaped.
 */
#include "compat.h"
#include "cmd.h"
#include "buf.h"
#include "numparse.h"
#include "output.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

static void esc(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default:
			/* Control characters cannot be in a well-formed page. */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				buf_addch(b, '?');
			else
				buf_addch(b, *s);
		}
}

static void num(struct buf *b, double v)
{
	char n[40];

	num_shortest_g(n, sizeof(n), v);
	buf_adds(b, n);
}

#define W 640
#define H 320
#define PAD 48

static double scale(double v, double lo, double hi, double from, double to)
{
	if (!(hi > lo))
		return (from + to) / 2;
	return from + (v - lo) / (hi - lo) * (to - from);
}

static void svg_open(struct buf *b, const char *cls, const char *title)
{
	buf_addf(b, "<svg class=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
		 "<title>", cls, W, H, W, H);
	esc(b, title);
	buf_addf(b, "</title><rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
		 PAD, PAD / 2, W - 2 * PAD, H - PAD - PAD / 2);
}

static void axis_labels(struct buf *b, double lo, double hi)
{
	buf_addf(b, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", PAD - 4, PAD / 2 + 4);
	num(b, hi);
	buf_addf(b, "</text><text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", PAD - 4, H - PAD);
	num(b, lo);
	buf_adds(b, "</text>");
}

static void objective_range(const struct status_report *r, double *lo, double *hi)
{
	size_t i;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < r->nr_points; i++) {
		*lo = fmin(*lo, r->objective[i]);
		*hi = fmax(*hi, r->objective[i]);
	}
}

static void best_so_far(struct buf *b, const struct status_report *r)
{
	double lo, hi, x, y;
	size_t i, n = r->nr_points;

	buf_adds(b, "<h2>Best so far</h2>\n");
	if (!n) {
		buf_adds(b, "<p>No trial has finished with an objective value yet.</p>\n");
		return;
	}
	objective_range(r, &lo, &hi);
	svg_open(b, "curve", "objective of each finished trial and the best so far");
	axis_labels(b, lo, hi);
	buf_adds(b, "<polyline class=\"best\" points=\"");
	for (i = 0; i < n; i++) {
		x = scale((double)i, 0, (double)(n > 1 ? n - 1 : 1), PAD, W - PAD);
		y = scale(r->best_so_far[i], lo, hi, H - PAD, PAD / 2);
		buf_addf(b, "%s%.1f,%.1f", i ? " " : "", x, y);
		if (i + 1 < n)
			buf_addf(b, " %.1f,%.1f",
				 scale((double)(i + 1), 0, (double)(n - 1), PAD, W - PAD), y);
	}
	buf_adds(b, "\"/>");
	for (i = 0; i < n; i++)
		buf_addf(b, "<circle class=\"trial\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>",
			 scale((double)i, 0, (double)(n > 1 ? n - 1 : 1), PAD, W - PAD),
			 scale(r->objective[i], lo, hi, H - PAD, PAD / 2));
	buf_addf(b, "<text class=\"tick\" x=\"%d\" y=\"%d\">trials by creation: 1 to %zu</text>",
		 PAD, H - PAD + 20, n);
	buf_adds(b, "</svg>\n");
}

/*
 * Where parameter p of a trial sits on its axis, from 0 to 1: numbers by
 * value, anything else by its rank among the distinct values seen.
 */
struct axis {
	int numeric;
	double lo, hi;
	const char **cats;
	size_t nr_cats;
};

static void axis_build(const struct status_report *r, size_t p, struct axis *a)
{
	size_t i, k;
	char *end;

	a->numeric = 1;
	a->lo = INFINITY;
	a->hi = -INFINITY;
	a->cats = calloc(r->nr_trials + 1, sizeof(*a->cats));
	a->nr_cats = 0;
	for (i = 0; i < r->nr_trials; i++) {
		const char *v = r->trial[i].values[p];
		double d;

		if (!v)
			continue;
		d = strtod(v, &end);
		if (*end || end == v || !isfinite(d))
			a->numeric = 0;
		else {
			a->lo = fmin(a->lo, d);
			a->hi = fmax(a->hi, d);
		}
		for (k = 0; k < a->nr_cats && strcmp(a->cats[k], v); k++)
			;
		if (k == a->nr_cats)
			a->cats[a->nr_cats++] = v;
	}
}

static int axis_pos(const struct axis *a, const char *v, double *out)
{
	size_t k;

	if (!v)
		return 0;
	if (a->numeric) {
		*out = a->hi > a->lo ? (strtod(v, NULL) - a->lo) / (a->hi - a->lo) : 0.5;
		return 1;
	}
	for (k = 0; k < a->nr_cats; k++)
		if (!strcmp(a->cats[k], v)) {
			*out = a->nr_cats > 1 ? (double)k / (double)(a->nr_cats - 1) : 0.5;
			return 1;
		}
	return 0;
}

static int plotted(const struct status_trial *t)
{
	return t->has_metric[0] &&
	       (!strcmp(t->state, "Succeeded") || !strcmp(t->state, "EarlyStopped"));
}

static void parallel_coordinates(struct buf *b, const struct status_report *r,
				 const struct axis *ax)
{
	size_t nr_axes = r->nr_params + 1, i, p;
	double lo, hi, x, y, pos;

	buf_adds(b, "<h2>Parameters and objective</h2>\n");
	if (!r->nr_points || !r->nr_params) {
		buf_adds(b, "<p>Nothing to plot yet.</p>\n");
		return;
	}
	objective_range(r, &lo, &hi);
	svg_open(b, "parallel", "parallel coordinates of the parameters and the objective");
	for (p = 0; p < nr_axes; p++) {
		x = scale((double)p, 0, (double)(nr_axes - 1), PAD, W - PAD);
		buf_addf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			 "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			 x, PAD / 2, x, H - PAD, x, H - PAD + 20);
		esc(b, p < r->nr_params ? r->params[p] : r->metrics[0].name);
		buf_adds(b, "</text>");
	}
	for (i = 0; i < r->nr_trials; i++) {
		const struct status_trial *t = &r->trial[i];

		if (!plotted(t))
			continue;
		buf_addf(b, "<polyline class=\"%s\" points=\"",
			 (ptrdiff_t)i == r->best ? "line best-trial" : "line");
		for (p = 0; p < nr_axes; p++) {
			if (p < r->nr_params) {
				if (!axis_pos(&ax[p], t->values[p], &pos))
					pos = 0;
			} else {
				pos = hi > lo ? (t->metric[0] - lo) / (hi - lo) : 0.5;
			}
			x = scale((double)p, 0, (double)(nr_axes - 1), PAD, W - PAD);
			y = scale(pos, 0, 1, H - PAD, PAD / 2);
			buf_addf(b, "%s%.1f,%.1f", p ? " " : "", x, y);
		}
		buf_adds(b, "\"><title>");
		esc(b, t->name);
		buf_adds(b, "</title></polyline>");
	}
	buf_adds(b, "</svg>\n");
}

static void scatters(struct buf *b, const struct status_report *r, const struct axis *ax)
{
	double lo, hi, pos;
	size_t i, p;

	if (!r->nr_points)
		return;
	objective_range(r, &lo, &hi);
	for (p = 0; p < r->nr_params; p++) {
		buf_adds(b, "<h2>Objective over ");
		esc(b, r->params[p]);
		buf_adds(b, "</h2>\n");
		svg_open(b, "scatter", r->params[p]);
		axis_labels(b, lo, hi);
		for (i = 0; i < r->nr_trials; i++) {
			const struct status_trial *t = &r->trial[i];

			if (!plotted(t) || !axis_pos(&ax[p], t->values[p], &pos))
				continue;
			buf_addf(b, "<circle class=\"trial\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>",
				 scale(pos, 0, 1, PAD, W - PAD),
				 scale(t->metric[0], lo, hi, H - PAD, PAD / 2));
			esc(b, t->name);
			buf_adds(b, "</title></circle>");
		}
		buf_addf(b, "<text class=\"tick\" x=\"%d\" y=\"%d\">", PAD, H - PAD + 20);
		if (ax[p].numeric && ax[p].hi >= ax[p].lo) {
			num(b, ax[p].lo);
			buf_adds(b, " to ");
			num(b, ax[p].hi);
		} else {
			for (i = 0; i < ax[p].nr_cats; i++) {
				buf_adds(b, i ? ", " : "");
				esc(b, ax[p].cats[i]);
			}
		}
		buf_adds(b, "</text></svg>\n");
	}
}

static void trial_table(struct buf *b, const struct status_report *r)
{
	size_t i, j;

	buf_adds(b, "<h2>Trials</h2>\n<table>\n<tr><th>trial</th><th>state</th>");
	for (j = 0; j < r->nr_params; j++) {
		buf_adds(b, "<th>");
		esc(b, r->params[j]);
		buf_adds(b, "</th>");
	}
	for (j = 0; j < r->nr_metrics; j++) {
		buf_adds(b, "<th>");
		esc(b, r->metrics[j].name);
		buf_addf(b, " (%s)</th>", r->metrics[j].strategy);
	}
	buf_adds(b, "<th>duration (s)</th><th>reason</th></tr>\n");
	for (i = 0; i < r->nr_trials; i++) {
		const struct status_trial *t = &r->trial[i];

		buf_adds(b, (ptrdiff_t)i == r->best ? "<tr class=\"best-trial\"><td>" : "<tr><td>");
		esc(b, t->name);
		buf_adds(b, "</td><td>");
		esc(b, t->state);
		buf_adds(b, "</td>");
		for (j = 0; j < r->nr_params; j++) {
			buf_adds(b, "<td>");
			esc(b, t->values[j] ? t->values[j] : "");
			buf_adds(b, "</td>");
		}
		for (j = 0; j < r->nr_metrics; j++) {
			buf_adds(b, "<td>");
			if (t->has_metric[j])
				num(b, t->metric[j]);
			buf_adds(b, "</td>");
		}
		buf_adds(b, "<td>");
		if (t->duration >= 0)
			buf_addf(b, "%lld", (long long)t->duration);
		buf_adds(b, "</td><td>");
		esc(b, t->reason);
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table>\n");
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
	"svg{display:block;margin:1em 0;max-width:100%;height:auto}"
	".frame{fill:none;stroke:#ccc}.axis{stroke:#888}"
	".best{fill:none;stroke:#c0392b;stroke-width:2}"
	".trial{fill:#2c7fb8;opacity:.8}"
	".line{fill:none;stroke:#2c7fb8;opacity:.5}"
	".best-trial{stroke:#c0392b;stroke-width:3;opacity:1}"
	"tr.best-trial{font-weight:bold}"
	".tick,.label{font-size:12px;fill:#444}"
	"table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}";

static void page(struct buf *b, const struct status_report *r)
{
	struct axis *ax = calloc(r->nr_params + 1, sizeof(*ax));
	size_t p;

	for (p = 0; p < r->nr_params; p++)
		axis_build(r, p, &ax[p]);
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	esc(b, r->ns);
	buf_addch(b, '/');
	esc(b, r->name);
	buf_addf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Experiment ", style);
	esc(b, r->ns);
	buf_addch(b, '/');
	esc(b, r->name);
	buf_adds(b, ": ");
	esc(b, r->phase);
	buf_adds(b, "</h1>\n<p>");
	esc(b, r->objective_type);
	buf_addch(b, ' ');
	esc(b, r->metrics[0].name);
	buf_addf(b, "; %zu succeeded, %zu early stopped, %zu failed, %zu running",
		 r->succeeded, r->early_stopped, r->failed, r->running);
	if (r->max_trials > 0)
		buf_addf(b, " of %lld", (long long)r->max_trials);
	buf_adds(b, ".</p>\n");
	if (r->problem_id) {
		buf_adds(b, "<p class=\"problem\">");
		esc(b, r->problem_summary);
		buf_adds(b, " [");
		esc(b, r->problem_id);
		buf_adds(b, "]</p>\n");
	}
	best_so_far(b, r);
	parallel_coordinates(b, r, ax);
	scatters(b, r, ax);
	trial_table(b, r);
	buf_adds(b, "</body>\n</html>\n");
	for (p = 0; p < r->nr_params; p++)
		free(ax[p].cats);
	free(ax);
}

/* Written next to path and renamed over it: a reader never sees half a page. */
int write_status_html(const char *path, const struct status_report *r)
{
	struct buf b = BUF_INIT;
	int ok;

	page(&b, r);
	ok = !write_file_atomically(path, 0644, b.buf, b.len);
	if (!ok)
		error_msg("cannot write %s: %s", path, strerror(errno));
	buf_release(&b);
	return ok ? 0 : -1;
}
