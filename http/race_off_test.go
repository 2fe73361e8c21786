//go:build !race

package http_test

// slowdown stretches the quiet periods the stream tests wait for (see
// race_on_test.go).
const slowdown = 1
