# The admission webhook's image: `docker build -t kubectl-katib .`
# (deploy/ runs it as `kubectl-katib webhook serve`).
#
# The binary is the release build (STATIC_DEPS=1, as `make dist`):
# libyaml, PCRE2 and cJSON are linked in.  `webhook serve` loads
# libmicrohttpd and GnuTLS when it starts, and libcurl is loaded by the
# commands that talk to a cluster, so the runtime stage installs those.

FROM debian:bookworm AS build
RUN apt-get update && \
    apt-get install -y --no-install-recommends build-essential pkg-config git \
	libyaml-dev libcjson-dev libpcre2-dev libcurl4-openssl-dev \
	libmicrohttpd-dev libgnutls28-dev && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG VERSION=0.0.0-docker
RUN make O=/out STATIC_DEPS=1 DEVELOPER=0 VERSION=$VERSION /out/kubectl-katib && \
    /out/kubectl-katib --version

FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends libmicrohttpd12 libgnutls30 \
	libcurl4 ca-certificates && \
    rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kubectl-katib /usr/local/bin/kubectl-katib
# The numeric user the Deployment's runAsNonRoot checks.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/kubectl-katib"]
CMD ["webhook", "serve", "--tls-cert=/tls/tls.crt", "--tls-key=/tls/tls.key"]
