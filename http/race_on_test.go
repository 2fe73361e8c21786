//go:build race

package http_test

// slowdown stretches the quiet periods the stream tests wait for: the race
// detector makes the server several times slower.
const slowdown = 4
