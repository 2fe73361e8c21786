package http

import "testing"

func TestLocalPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/talks":                       true,
		"/talks/t_1/rooms/caucus:x":    true,
		"/talks/t_1?after=3":           true,
		"":                             false,
		"/":                            false,
		"//evil.example":               false,
		"/\\evil.example":              false,
		"/\t/evil.example":             false,
		"/talks/../\\evil.example":     false,
		"/talks/../login":              false,
		"/talks//evil.example":         false,
		"https://evil.example/talks/x": false,
		"/talks/x#frag":                false,
		"javascript:alert(1)":          false,
	} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %v, want %v", p, got, want)
		}
	}
}
