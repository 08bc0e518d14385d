# Build: a static binary with the catalogs and the example town embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The version the binary reports (lotse version, lotse_build_info): docker build
# --build-arg VERSION=$(git describe --tags --always --dirty) .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/lotse . \
 && mkdir -p /out/data

# Run: distroless, non-root, time zones included (Europe/Berlin and its DST switches).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/lotse /usr/local/bin/lotse
COPY --from=build --chown=nonroot:nonroot /out/data /data
# The admin listener (health, readiness, metrics, backup) listens on the container's
# network, so it needs a token: give LOTSE_ADMIN_TOKEN_FILE (e.g. a Docker secret), or Lotse
# refuses to start; /healthz and /readyz answer without it. Publish port 9090 only to the host
# or the monitoring network, or set LOTSE_ADMIN_ADDR=127.0.0.1:9090 to keep it inside.
ENV LOTSE_DB=/data/lotse.db TZ=Europe/Berlin LOTSE_ADMIN_ADDR=0.0.0.0:9090
EXPOSE 9090
VOLUME ["/data"]
USER nonroot:nonroot
ARG VERSION=devel
LABEL org.opencontainers.image.version=${VERSION}
ENTRYPOINT ["/usr/local/bin/lotse"]
