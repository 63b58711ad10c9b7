# nayose: a static binary on a distroless base, running as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/nayose ./cmd/nayose

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nayose /usr/local/bin/nayose
# Time zone data for Asia/Tokyo and friends is compiled into the binary
# (time/tzdata), so the image needs no zoneinfo.
ENV NAYOSE_CONFIG=/etc/nayose/nayose.yaml
USER nonroot:nonroot
WORKDIR /var/lib/nayose
VOLUME ["/var/lib/nayose"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/nayose"]
CMD ["run"]
