# A small image of secoda-sync: a static (musl) binary on Alpine, with git for `diff
# --base-ref` and `plan --since-ref`. The release workflow builds and pushes it to
# ghcr.io/secoda-sync/secoda-sync; to build it yourself: `docker build -t secoda-sync .`
#
#   docker run --rm -v "$PWD:/work" -e SECODA_API_TOKEN ghcr.io/secoda-sync/secoda-sync plan manifests/

FROM rust:1-alpine AS build
# ring (rustls) and mimalloc compile C.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin secoda-sync \
    && cp target/release/secoda-sync /usr/local/bin/secoda-sync

FROM alpine:3.22
RUN apk add --no-cache git ca-certificates \
    && adduser -D -H -u 10001 secoda-sync \
    && git config --system --add safe.directory /work
COPY --from=build /usr/local/bin/secoda-sync /usr/local/bin/secoda-sync
USER secoda-sync
WORKDIR /work
ENTRYPOINT ["secoda-sync"]
