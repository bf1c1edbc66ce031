/*
 * Answers: a body copied into the reply, and the API's Status objects.
 */
#include "compat.h"
#include "replay.h"

/* type is static; the body is copied. */
void respond(struct conn *c, unsigned status, const char *type,
		    const char *body, size_t len)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, body, len);
	copy[len] = '\0';
	c->reply->status = status;
	c->reply->content_type = type;
	c->reply->body = copy;
	c->reply->len = len;
}

void respond_json(struct conn *c, unsigned status, const struct buf *b)
{
	respond(c, status, "application/json", b->buf, b->len);
}

void respond_status(struct conn *c, unsigned code, const char *reason,
			   const char *message)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		     "\"status\":\"Failure\",\"message\":");
	buf_add_json_str(&b, message, strlen(message));
	buf_adds(&b, ",\"reason\":");
	buf_add_json_str(&b, reason, strlen(reason));
	buf_addf(&b, ",\"code\":%u}", code);
	respond_json(c, code, &b);
	buf_release(&b);
}
