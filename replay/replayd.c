/*
 * katib-replay: serves a recorded cluster over the Kubernetes API, so every
 * cluster-facing feature can be tested offline, by our tests and by kubectl
 * itself.  It serves through src/httpd.h, as `webhook serve` does, so
 * that only src/httpd.c knows libmicrohttpd and GnuTLS.
 *
 *	katib-replay serve DIR [--port N] [--kubeconfig-out FILE] [--log FILE]
 *			       [--speed N | --step] [--watch-timeout S]
 *
 * A recorded cluster is a directory tree: every *.yaml, *.yml and *.json
 * file holds Kubernetes objects as `kubectl get -o yaml|json` writes them
 * (one object, a kind: List, or a stream); pod logs are plain files at
 * logs/<namespace>/<pod>/<container>.log (fixtures/README has the format).
 * DIR/timeline/ holds later states, which the clock below applies.
 *
 * It uses only the document layer of src/, never the rules or the API
 * client, so that it stays an independent oracle for them.  This file
 * starts and stops the server; replay.h lists the files a request passes
 * through.
 */
#include "compat.h"
#include "replay.h"
#include "timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY ((size_t)4 << 20)

/* libmicrohttpd's complaints, on stderr as it would print them itself. */
static void server_log(void *data UNUSED, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* Writes the kubeconfig atomically: a reader never sees half of it. */
static int write_kubeconfig(const char *path, unsigned port, const char *token,
			    int tls, const char *ca)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int ok;

	buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	/* 0600: the file may hold the bearer token. */
	{
		int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		fp = fd < 0 ? NULL : fdopen(fd, "w");
		if (!fp && fd >= 0)
			close(fd);
	}
	if (!fp) {
		fprintf(stderr, "katib-replay: cannot write '%s': %s\n", tmp.buf, strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	fprintf(fp,
		"apiVersion: v1\nkind: Config\n"
		"clusters:\n- name: replay\n  cluster:\n    server: %s://127.0.0.1:%u\n%s%s%s"
		"users:\n- name: replay\n  user: {%s%s%s}\n"
		"contexts:\n- name: replay\n  context:\n    cluster: replay\n    user: replay\n    namespace: default\n"
		"current-context: replay\n", tls ? "https" : "http", port,
		ca ? "    certificate-authority: " : "", ca ? ca : "", ca ? "\n" : "",
		token ? "token: \"" : "",
		token ? token : "", token ? "\"" : "");
	ok = !ferror(fp) && !fclose(fp) && !rename(tmp.buf, path);
	if (!ok) {
		fprintf(stderr, "katib-replay: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp.buf);
	}
	buf_release(&tmp);
	return ok ? 0 : -1;
}

/* A whole (small) file, or NULL after saying why. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp) {
		fprintf(stderr, "katib-replay: cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, (size_t)1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b, NULL);
}

static const char usage[] =
	"usage: katib-replay serve DIR [--port N] [--kubeconfig-out FILE] [--log FILE]\n"
	"                          [--token T] [--tls-cert F --tls-key F [--tls-ca F]\n"
	"                          [--client-ca F]] [--fault RULE]...\n"
	"                          [--speed N | --step] [--watch-timeout S]\n";

/* now + ms, on CLOCK_MONOTONIC. */
static struct timespec after_ms(const struct timespec *from, double ms)
{
	struct timespec t = *from;
	double ns = (double)t.tv_nsec + ms * 1e6;

	t.tv_sec += (time_t)(ns / 1e9);
	t.tv_nsec = (long)(ns - (double)(time_t)(ns / 1e9) * 1e9);
	return t;
}

/*
 * Waits for a signal, applying the timeline's steps as their time comes
 * (their offsets divided by speed); with --step only SIGUSR1 (or a POST
 * to /katib-replay/step) applies one.  Returns at SIGTERM or SIGINT.
 */
static void run_clock(struct server *s, const sigset_t *set, double speed)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int sig;

		pthread_mutex_lock(&s->lock);
		if (!s->step_mode && s->next_step < s->nr_steps) {
			struct timespec due = after_ms(&start, (double)s->steps[s->next_step].offset_ms / speed);
			struct timespec wait;

			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > due.tv_sec ||
			    (now.tv_sec == due.tv_sec && now.tv_nsec >= due.tv_nsec)) {
				timeline_advance(s);
				pthread_mutex_unlock(&s->lock);
				continue;
			}
			pthread_mutex_unlock(&s->lock);
			wait.tv_sec = due.tv_sec - now.tv_sec;
			wait.tv_nsec = due.tv_nsec - now.tv_nsec;
			if (wait.tv_nsec < 0) {
				wait.tv_nsec += 1000000000L;
				wait.tv_sec--;
			}
			sig = sigtimedwait(set, NULL, &wait);
			if (sig < 0)
				continue;	/* its time has come, or EINTR */
		} else {
			pthread_mutex_unlock(&s->lock);
			if (sigwait(set, &sig))
				continue;
		}
		if (sig != SIGUSR1)
			return;
		pthread_mutex_lock(&s->lock);
		if (s->step_mode)
			timeline_advance(s);
		pthread_mutex_unlock(&s->lock);
	}
}

static int serve(int argc, char **argv)
{
	struct server s;
	struct httpd *h = NULL;
	struct httpd_options o;
	struct fail f = FAIL_INIT;
	const char *kubeconfig = NULL, *log_path = NULL, *timeline = NULL;
	const char *tls_cert = NULL, *tls_key = NULL, *tls_ca = NULL, *client_ca = NULL;
	char *cert_pem = NULL, *key_pem = NULL, *client_ca_pem = NULL;
	unsigned port = 0;
	double speed = 1;
	sigset_t set;
	int i, status = 0, speed_given = 0;
	size_t k;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.changed, NULL);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--kubeconfig-out") && i + 1 < argc)
			kubeconfig = argv[++i];
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log_path = argv[++i];
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			s.token = argv[++i];
		else if (!strcmp(argv[i], "--tls-cert") && i + 1 < argc)
			tls_cert = argv[++i];
		else if (!strcmp(argv[i], "--tls-key") && i + 1 < argc)
			tls_key = argv[++i];
		else if (!strcmp(argv[i], "--tls-ca") && i + 1 < argc)
			tls_ca = argv[++i];
		else if (!strcmp(argv[i], "--client-ca") && i + 1 < argc)
			client_ca = argv[++i];
		else if (!strcmp(argv[i], "--step"))
			s.step_mode = 1;
		else if (!strcmp(argv[i], "--watch-timeout") && i + 1 < argc) {
			char *end;

			s.watch_timeout = strtoul(argv[++i], &end, 10);
			if (*end || !s.watch_timeout || s.watch_timeout > 86400) {
				fprintf(stderr, "katib-replay: --watch-timeout takes seconds from 1 to 86400, not '%s'\n",
					argv[i]);
				status = 2;
				goto out;
			}
		}
		else if (!strcmp(argv[i], "--speed") && i + 1 < argc) {
			char *end;

			speed = strtod(argv[++i], &end);
			speed_given = 1;
			if (*end || end == argv[i] || !(speed > 0 && speed <= 1e6)) {
				fprintf(stderr, "katib-replay: --speed takes a factor of real time above 0, such as 1, 10 or 0.5, not '%s'\n",
					argv[i]);
				status = 2;
				goto out;
			}
		}
		else if (!strcmp(argv[i], "--fault") && i + 1 < argc) {
			if (parse_fault(&s, argv[++i])) {
				fprintf(stderr, "katib-replay: bad --fault '%s'\n", argv[i]);
				status = 2;
				goto out;
			}
		}
		else if (argv[i][0] != '-' && !s.dir)
			s.dir = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!s.dir || port > 65535 || !tls_cert != !tls_key || (client_ca && !tls_cert) ||
	    (speed_given && s.step_mode)) {
		fputs(usage, stderr);
		return 2;
	}
	if (tls_cert && (!(cert_pem = slurp(tls_cert)) || !(key_pem = slurp(tls_key)) ||
			 (client_ca && !(client_ca_pem = slurp(client_ca))))) {
		status = 2;
		goto out;
	}
	s.client_ca = client_ca != NULL;
	{
		/* Tables' ages are counted to KATIB_NOW, as the plugin's are. */
		const char *now = getenv("KATIB_NOW");

		if (now && *now && time_parse_rfc3339(now, &s.now)) {
			fprintf(stderr, "katib-replay: KATIB_NOW='%s' is not an RFC 3339 time\n", now);
			status = 2;
			goto out;
		}
	}
	{
		/*
		 * A scenario folder (fixtures/README, section 4) holds its
		 * cluster in cluster/, beside the submitted Experiment: serving
		 * the whole folder would serve that Experiment twice.
		 */
		struct buf cluster = BUF_INIT;
		struct stat st;

		buf_addf(&cluster, "%s/timeline", s.dir);
		timeline = arena_strdup(&s.arena, cluster.buf);
		buf_reset(&cluster);
		buf_addf(&cluster, "%s/cluster", s.dir);
		if (!stat(cluster.buf, &st) && S_ISDIR(st.st_mode))
			s.dir = arena_strdup(&s.arena, cluster.buf);
		buf_release(&cluster);
	}
	if (load_recording(&s) || load_timeline(&s, timeline)) {
		status = 2;
		goto out;
	}
	if (log_path && !(s.log = fopen(log_path, "a"))) {
		fprintf(stderr, "katib-replay: cannot open '%s': %s\n", log_path, strerror(errno));
		status = 2;
		goto out;
	}
	/* SIGTERM and SIGINT are taken with sigwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&o, 0, sizeof(o));
	o.address = "127.0.0.1";
	o.port = port;
	/*
	 * A thread per connection: a watch holds its own while it waits.
	 * The handler takes the server's lock, so requests are still
	 * answered one at a time.
	 */
	o.thread_per_connection = 1;
	o.threads = 1;
	o.max_body = MAX_BODY;
	o.timeout = 30;
	o.cert_pem = cert_pem;
	o.key_pem = key_pem;
	o.client_ca_pem = client_ca_pem;
	/* An oversized body gets a Status object, after faults and auth. */
	o.pass_too_large = 1;
	o.handler = handle;
	o.log = server_log;
	o.data = &s;
	if (httpd_start(&h, &o, &f)) {
		fprintf(stderr, "katib-replay: %s\n", f.msg);
		status = 3;
		goto out;
	}
	port = httpd_port(h);
	if (kubeconfig && write_kubeconfig(kubeconfig, port, s.token, tls_cert != NULL, tls_ca)) {
		httpd_stop(h, 0);
		status = 3;
		goto out;
	}
	printf("katib-replay: serving %zu objects from %s at %s://127.0.0.1:%u\n",
	       s.nr, s.dir, tls_cert ? "https" : "http", port);
	if (s.nr_steps)
		printf("katib-replay: a timeline of %zu steps, %s\n", s.nr_steps,
		       s.step_mode ? "each on SIGUSR1 or POST /katib-replay/step" : "on the clock");
	fflush(stdout);
	run_clock(&s, &set, speed);
	/* Watches end now, rather than at their timeouts. */
	pthread_mutex_lock(&s.lock);
	s.stopping = 1;
	pthread_cond_broadcast(&s.changed);
	pthread_mutex_unlock(&s.lock);
	httpd_stop(h, 2);
out:
	/* Unloaded last, so that a leak checker sees everything freed. */
	httpd_release();
	free(cert_pem);
	free(key_pem);
	free(client_ca_pem);
	free(s.faults);
	recorded_release(&s.rec);
	if (s.log)
		fclose(s.log);
	for (k = 0; k < s.nr_docs; k++)
		doc_free(s.docs[k]);
	free(s.docs);
	free(s.obj);
	free(s.changes);
	timeline_release(&s);
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	arena_release(&s.arena);
	arena_drop_spare();
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fputs(usage, stderr);
	return 2;
}
