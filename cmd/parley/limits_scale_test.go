package main

import "testing"

// TestLimitsScaleFinite: serve refuses a scale on its limits that is not a
// positive finite number; NaN or infinity would switch the limits off.
func TestLimitsScaleFinite(t *testing.T) {
	for _, k := range []string{"NaN", "+Inf", "0", "-1"} {
		failParley(t, []string{"--limits-scale"}, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--limits-scale", k)
	}
}
