# Build a static referbot binary, then ship it alone on a distroless base
# as a non-root user.
FROM golang:1.26-bookworm AS build
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
ENTRYPOINT ["/referbot"]
CMD ["serve"]
