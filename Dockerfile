# The admission webhook's image: `docker build -t kubectl-katib .`
# (deploy/ runs it as `kubectl-katib webhook serve`).
#
# The binary is the release build (STATIC_DEPS=1, as `make dist`):
# libyaml, PCRE2, cJSON and libmicrohttpd are linked in, so the runtime
# stage needs only libcurl (which brings GnuTLS) and the C library.

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
    apt-get install -y --no-install-recommends libcurl4 ca-certificates && \
    rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kubectl-katib /usr/local/bin/kubectl-katib
# The numeric user the Deployment's runAsNonRoot checks.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/kubectl-katib"]
CMD ["webhook", "serve", "--tls-cert=/tls/tls.crt", "--tls-key=/tls/tls.key"]
