/*
 * cmd-webhook.c: `kubectl katib webhook serve`, our rules as a
 * ValidatingAdmissionWebhook (docs/webhook.md).  The request handling is
 * src/webhook.c over src/httpd.c; this file reads the options and files,
 * writes the access log, and runs the signal loop: SIGHUP and changed
 * files reload the certificate and katib-config, SIGTERM drains and exits.
 */
#include "compat.h"
#include "alloc.h"
#include "buf.h"
#include "cluster.h"
#include "cmd.h"
#include "help.h"
#include "httpd.h"
#include "katib-config.h"
#include "re.h"
#include "rule.h"
#include "webhook.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_CERT = 256, OPT_KEY, OPT_PORT, OPT_ADDRESS, OPT_PORT_FILE,
	OPT_METRICS_PORT, OPT_KATIB_CONFIG, OPT_KATIB_VERSION, OPT_WARN_ONLY,
	OPT_THREADS, OPT_MAX_BYTES, OPT_TIMEOUT, OPT_RELOAD,
};

const struct cmd_option webhook_options[] = {
	OPT_VALUE("tls-cert", 0, OPT_CERT, COMPLETE_FILE, "FILE",
		  "the server certificate (PEM, with its chain)"),
	OPT_VALUE("tls-key", 0, OPT_KEY, COMPLETE_FILE, "FILE",
		  "its private key (PEM)"),
	OPT_VALUE("port", 0, OPT_PORT, COMPLETE_NOTHING, "N",
		  "the HTTPS port (default 8443; 0 picks a free one)"),
	OPT_VALUE("address", 0, OPT_ADDRESS, COMPLETE_NOTHING, "ADDR",
		  "the IPv4 address to listen on (default 0.0.0.0)"),
	OPT_VALUE("port-file", 0, OPT_PORT_FILE, COMPLETE_FILE, "FILE",
		  "write the port served on to FILE"),
	OPT_VALUE("metrics-port", 0, OPT_METRICS_PORT, COMPLETE_NOTHING, "N",
		  "serve /metrics, /healthz and /readyz over plain\n"
		  "HTTP on this port too"),
	OPT_VALUE("katib-config", 0, OPT_KATIB_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "the cluster's katib-config (default: a default\n"
		  "install's)"),
	OPT_VALUE("katib-version", 0, OPT_KATIB_VERSION, COMPLETE_NOTHING, "vX.Y",
		  "behave like this Katib release's webhook"),
	OPT_FLAG("warn-only", 0, OPT_WARN_ONLY,
		 "allow everything; errors become warnings"),
	OPT_VALUE("threads", 0, OPT_THREADS, COMPLETE_NOTHING, "N",
		  "worker threads (default 4)"),
	OPT_VALUE("max-request-bytes", 0, OPT_MAX_BYTES, COMPLETE_NOTHING, "N",
		  "larger request bodies get 413 (default 1048576)"),
	OPT_VALUE("request-timeout", 0, OPT_TIMEOUT, COMPLETE_NOTHING, "T",
		  "how long a request may take (default 10s; 1m,\n"
		  "1500ms; a bare number is seconds, as for kubectl)"),
	OPT_VALUE("reload-interval", 0, OPT_RELOAD, COMPLETE_NOTHING, "S",
		  "how often to look for changed files (default 10)"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const struct help_section serve_sections[] = {
	{ HELP_TEXT, NULL,
	  "Serve Katib's rules and ours as a validating admission webhook: an\n"
	  "HTTPS server answering admission.k8s.io/v1 AdmissionReview POSTs on\n"
	  "/validate-experiment with the verdict of 'validate --admission-review'.\n"
	  "GET /healthz, /readyz and /metrics (Prometheus) are served too.\n"
	  "SIGHUP, or a change of a file, reloads the certificate and the\n"
	  "katib-config (a broken new certificate keeps the old one); SIGTERM\n"
	  "answers the requests in flight and exits.  One line per request is\n"
	  "logged on stderr.  See docs/webhook.md.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 stopped by SIGTERM or SIGINT, 2 usage error or an\n"
	  "unreadable certificate, key or katib-config, 3 could not serve.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl-katib webhook serve --tls-cert tls.crt --tls-key tls.key\n"
	  "kubectl-katib webhook serve --tls-cert tls.crt --tls-key tls.key --warn-only", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help serve_help = {
	.name = "webhook serve",
	.synopsis = "webhook serve --tls-cert FILE --tls-key FILE [options]",
	.options = webhook_options,
	.column = 31,
	.sections = serve_sections,
};

static const struct help_section webhook_sections[] = {
	{ HELP_TEXT, NULL,
	  "Enforce the rules cluster-wide, in front of Katib, for every client.\n"
	  "See 'kubectl katib webhook serve --help'.", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help *const webhook_subcommands[] = {
	&serve_help,
	NULL,
};

const struct cmd_help webhook_help = {
	.name = "webhook",
	.synopsis = "webhook serve --tls-cert FILE --tls-key FILE [options]",
	.sections = webhook_sections,
	.subcommands = webhook_subcommands,
};

static const char *const webhook_words[] = { "serve", NULL };

int webhook_complete(const char *word)
{
	size_t i;

	for (i = 0; webhook_words[i]; i++)
		complete_wordf("%s", webhook_words[i]);
	(void)word;
	return COMPLETE_DIRECTIVE_NO_FILES;
}

struct server {
	struct webhook *hook;
	const char *cert_path, *key_path, *config_path;
	int minor;
	const char *version;
	struct stat cert_st, key_st, config_st;
};

/* One line: time, then key=value pairs; nothing of the object itself. */
static void log_line(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void log_line(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(&b, "time=%s.%03ldZ ", when, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	buf_addch(&b, '\n');
	/* One write per line, so lines of several threads never mix. */
	fwrite(b.buf, 1, b.len, errout());
	buf_release(&b);
}

/* A path as the client sent it, made safe for one log field. */
static void log_safe(struct buf *b, const char *s)
{
	size_t n;

	for (n = 0; *s && n < 200; s++, n++)
		buf_addch(b, (*s > ' ' && *s < 127 && *s != '"') ? *s : '?');
}

static void request_done(void *data, const struct httpd_done *d)
{
	struct server *s = data;
	struct buf path = BUF_INIT;

	webhook_observe(s->hook, d->path, d->status, d->seconds);
	log_safe(&path, d->path);
	log_line("level=info remote=%s method=%s path=%s status=%u duration_ms=%.3f bytes=%zu%s%s%s%s%s",
		 d->remote, d->method, path.buf, d->status, d->seconds * 1000,
		 d->body_len, *d->note ? " " : "", d->note,
		 d->error ? " error=\"" : "", d->error ? d->error : "",
		 d->error ? "\"" : "");
	buf_release(&path);
}

static void handle(void *data, const struct httpd_request *req,
		   struct httpd_reply *reply)
{
	struct server *s = data;

	webhook_handle(s->hook, req, reply);
}

static void server_log(void *data UNUSED, const char *msg)
{
	log_line("level=warning msg=\"server: %s\"", msg);
}

/* A whole file of at most 1 MiB (certificates, keys), or NULL with errno. */
static char *read_small_file(const char *path, struct stat *st)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	int err;

	if (!fp)
		return NULL;
	if (st && fstat(fileno(fp), st)) {
		err = errno;
		fclose(fp);
		errno = err;
		return NULL;
	}
	buf_init(&b, (size_t)1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&b, chunk, n)) {
			buf_release(&b);
			fclose(fp);
			errno = EFBIG;
			return NULL;
		}
	err = ferror(fp) ? EIO : 0;
	fclose(fp);
	if (err) {
		buf_release(&b);
		errno = err;
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int changed(const char *path, const struct stat *was)
{
	struct stat st;

	if (stat(path, &st))
		return 0;	/* gone for now: keep serving what we have */
	return st.st_ino != was->st_ino || st.st_size != was->st_size ||
	       st.st_mtim.tv_sec != was->st_mtim.tv_sec ||
	       st.st_mtim.tv_nsec != was->st_mtim.tv_nsec;
}

static int load_config(struct server *s, struct fail *f)
{
	struct katib_config cfg;

	if (!s->config_path) {
		cfg = katib_config_default;
		if (s->minor < 19)	/* a default install serves TrainJobs since v0.19 */
			cfg.trial_resources = katib_config_default.trial_resources + 1;
	} else {
		if (stat(s->config_path, &s->config_st))
			return fail_set(f, FAIL_IO, "cannot read '%s': %s",
					s->config_path, strerror(errno));
		if (katib_config_load(&cfg, s->config_path, f))
			return -1;
	}
	cfg.minor = s->minor;
	if (s->version)
		cfg.version = s->version;
	webhook_set_config(s->hook, &cfg, s->config_path != NULL);
	return 0;
}

static int reload_cert(struct server *s, struct httpd *h)
{
	struct stat cert_st, key_st;
	char *cert = read_small_file(s->cert_path, &cert_st);
	char *key = cert ? read_small_file(s->key_path, &key_st) : NULL;
	struct fail f = FAIL_INIT;
	int ok;

	if (!cert || !key) {
		log_line("level=error msg=\"keeping the old certificate: cannot read '%s': %s\"",
			 cert ? s->key_path : s->cert_path, strerror(errno));
		ok = 0;
	} else if (httpd_set_cert(h, cert, key, &f)) {
		log_line("level=error msg=\"keeping the old certificate: %s: %s\"",
			 s->cert_path, f.msg);
		ok = 0;
	} else {
		log_line("level=info msg=\"certificate reloaded from %s\"", s->cert_path);
		ok = 1;
	}
	/* A broken pair is not retried until one of the files changes again. */
	if (cert)
		s->cert_st = cert_st;
	if (key)
		s->key_st = key_st;
	webhook_count_reload(s->hook, "certificate", ok);
	free(cert);
	free(key);
	return ok ? 0 : -1;
}

static void reload_config(struct server *s)
{
	struct fail f = FAIL_INIT;

	if (load_config(s, &f)) {
		log_line("level=error msg=\"keeping the old katib-config: %s\"", f.msg);
		webhook_count_reload(s->hook, "katib-config", 0);
		return;
	}
	log_line("level=info msg=\"katib-config reloaded from %s\"", s->config_path);
	webhook_count_reload(s->hook, "katib-config", 1);
}

static int parse_number(const char *cmd, const char *opt, const char *arg,
			unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || *out > max)
		return usage_error(cmd, "'%s' is not a valid value for --%s", arg, opt);
	return 0;
}

static int write_port_file(const char *path, unsigned port)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int ok;

	/* Atomically: a test polling for the file never reads half of it. */
	buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fp = fopen(tmp.buf, "w");
	ok = fp && fprintf(fp, "%u\n", port) > 0;
	ok = fp && !fclose(fp) && ok && !rename(tmp.buf, path);
	if (!ok) {
		error_msg("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp.buf);
	}
	buf_release(&tmp);
	return ok ? 0 : -1;
}

static int serve(int argc, char **argv)
{
	struct getopt_tables opt;
	struct server s;
	struct httpd_options ho;
	struct httpd *main_srv = NULL, *metrics_srv = NULL;
	struct fail f = FAIL_INIT;
	const char *port_file = NULL;
	unsigned long port = 8443, metrics_port = 0, threads = 4;
	unsigned long max_bytes = 1 << 20, timeout = 10, interval = 10;
	int c, warn_only = 0, has_metrics = 0, status = STATUS_OK, sig;
	char *cert = NULL, *key = NULL;
	enum severity *severities = NULL;
	sigset_t set;

	memset(&s, 0, sizeof(s));
	memset(&ho, 0, sizeof(ho));
	s.minor = KATIB_MINOR_LATEST;
	ho.address = "0.0.0.0";
	optind = 1;
	opterr = 0;
	options_getopt(webhook_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CERT:
			s.cert_path = optarg;
			break;
		case OPT_KEY:
			s.key_path = optarg;
			break;
		case OPT_ADDRESS:
			ho.address = optarg;
			break;
		case OPT_PORT_FILE:
			port_file = optarg;
			break;
		case OPT_KATIB_CONFIG:
			s.config_path = optarg;
			break;
		case OPT_KATIB_VERSION:
			s.version = optarg;
			s.minor = katib_version_parse(optarg);
			if (s.minor < 0)
				return usage_error("webhook",
						   "unknown Katib version '%s' (give v0.%d to v0.%d)",
						   optarg, KATIB_MINOR_OLDEST, KATIB_MINOR_LATEST);
			break;
		case OPT_WARN_ONLY:
			warn_only = 1;
			break;
		case OPT_PORT:
			if (parse_number("webhook", "port", optarg, 65535, &port))
				return STATUS_USAGE;
			break;
		case OPT_METRICS_PORT:
			if (parse_number("webhook", "metrics-port", optarg, 65535, &metrics_port))
				return STATUS_USAGE;
			has_metrics = 1;
			break;
		case OPT_THREADS:
			if (parse_number("webhook", "threads", optarg, 256, &threads) || !threads)
				return threads ? STATUS_USAGE :
					usage_error("webhook", "--threads must be at least 1");
			break;
		case OPT_MAX_BYTES:
			if (parse_number("webhook", "max-request-bytes", optarg,
					 (unsigned long)1 << 30, &max_bytes))
				return STATUS_USAGE;
			break;
		case OPT_TIMEOUT: {
			/* A duration as for every other command; the server counts seconds. */
			long ms = cluster_parse_timeout(optarg);

			if (ms < 0 || ms > 3600000L)
				return usage_error("webhook", "--request-timeout '%s' is not a duration up to 1h (10s, 1m, 1500ms)",
						   optarg);
			if (!ms)
				return usage_error("webhook", "--request-timeout must be more than 0");
			timeout = (unsigned long)((ms + 999) / 1000);
			break;
		}
		case OPT_RELOAD:
			if (parse_number("webhook", "reload-interval", optarg, 86400, &interval) ||
			    !interval)
				return interval ? STATUS_USAGE :
					usage_error("webhook", "--reload-interval must be at least 1");
			break;
		case 'h':
			help_print(stdout, &serve_help);
			return STATUS_OK;
		default:
			return options_usage_error("webhook", webhook_options, c,
						   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("webhook", "unexpected argument '%s'", argv[optind]);
	if (!s.cert_path || !s.key_path)
		return usage_error("webhook", "serve needs --tls-cert and --tls-key");

	if (!(cert = read_small_file(s.cert_path, &s.cert_st)) ||
	    !(key = read_small_file(s.key_path, &s.key_st))) {
		error_msg("cannot read '%s': %s", cert ? s.key_path : s.cert_path,
			  strerror(errno));
		status = STATUS_USAGE;
		goto out;
	}
	severities = rule_severities_for(s.minor);
	s.hook = webhook_new(severities, warn_only);
	if (load_config(&s, &f)) {
		error_msg("%s", f.msg);
		status = STATUS_USAGE;
		goto out;
	}

	/* Every thread started from here on leaves these signals to sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	ho.port = (unsigned)port;
	ho.threads = (unsigned)threads;
	ho.max_body = max_bytes;
	ho.timeout = (unsigned)timeout;
	ho.cert_pem = cert;
	ho.key_pem = key;
	ho.handler = handle;
	ho.done = request_done;
	ho.log = server_log;
	ho.data = &s;
	if (httpd_start(&main_srv, &ho, &f)) {
		error_msg("%s: %s", f.kind == FAIL_PROTOCOL ? s.cert_path : "webhook", f.msg);
		status = f.kind == FAIL_PROTOCOL ? STATUS_USAGE : STATUS_RUNTIME;
		goto out;
	}
	if (has_metrics) {
		struct httpd_options mo = ho;

		mo.port = (unsigned)metrics_port;
		mo.threads = 1;
		mo.cert_pem = mo.key_pem = NULL;
		if (httpd_start(&metrics_srv, &mo, &f)) {
			error_msg("metrics: %s", f.msg);
			status = STATUS_RUNTIME;
			goto out;
		}
	}
	printf("katib webhook: serving on https://%s:%u\n", ho.address, httpd_port(main_srv));
	if (metrics_srv)
		printf("katib webhook: metrics on http://%s:%u/metrics\n", ho.address,
		       httpd_port(metrics_srv));
	fflush(stdout);
	if (port_file && write_port_file(port_file, httpd_port(main_srv))) {
		status = STATUS_RUNTIME;
		goto out;
	}
	log_line("level=info msg=\"serving\" port=%u threads=%lu warn_only=%s katib_version=v0.%d",
		 httpd_port(main_srv), threads, warn_only ? "true" : "false", s.minor);

	for (;;) {
		struct timespec wait = { (time_t)interval, 0 };
		int reload_all;

		sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		reload_all = sig == SIGHUP;
		if (reload_all || changed(s.cert_path, &s.cert_st) ||
		    changed(s.key_path, &s.key_st))
			reload_cert(&s, main_srv);
		if (s.config_path &&
		    (reload_all || changed(s.config_path, &s.config_st)))
			reload_config(&s);
	}
	log_line("level=info msg=\"shutting down: answering the requests in flight\"");
	webhook_set_ready(s.hook, 0);
	httpd_stop(main_srv, (unsigned)timeout);
	main_srv = NULL;
	log_line("level=info msg=\"stopped\"");
out:
	httpd_stop(main_srv, 0);
	httpd_stop(metrics_srv, 0);
	webhook_free(s.hook);
	free(severities);
	free(cert);
	free(key);
	re_release();
	arena_drop_spare();
	return status;
}

int cmd_webhook(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help_print(stdout, &webhook_help);
		return STATUS_OK;
	}
	if (argc < 2)
		return usage_error("webhook", "give a subcommand: serve");
	return usage_error("webhook", "unknown subcommand '%s' (use serve)", argv[1]);
}
