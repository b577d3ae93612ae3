# Build a static referbot binary, then ship it alone on a distroless base
# as a non-root user.
# go.mod needs Go 1.26.8 or newer: pin the toolchain image to it.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/referbot ./cmd/referbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/referbot /referbot
USER nonroot:nonroot
EXPOSE 8080
ENV REFERBOT_ADDR=:8080
# No shell or curl in distroless: the binary asks its own /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/referbot", "healthcheck"]
ENTRYPOINT ["/referbot"]
CMD ["serve"]
