package i18n_test

import (
	"slices"
	"testing"

	"parley"
	"parley/i18n"
)

// TestPlurals: counts choose the language's plural form through CLDR's
// rules (golang.org/x/text), in every catalog.
func TestPlurals(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 day left"}, {"en", 46, "46 days left"},
		{"ar", 1, "يبقى يوم واحد"}, {"ar", 2, "يبقى يومان"}, {"ar", 3, "تبقى 3 أيام"}, {"ar", 46, "يبقى 46 يومًا"}, {"ar", 100, "يبقى 100 يوم"},
		{"he", 1, "נותר יום אחד"}, {"he", 2, "נותרו יומיים"}, {"he", 46, "נותרו 46 ימים"}, {"he", 100, "נותרו 100 ימים"},
	} {
		if got := i18n.Get(c.lang).T("%d days left", c.n); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := i18n.Get("ar").T("%[1]d of %[2]d", 1200, 5000); got != "1,200 من 5,000" {
		t.Errorf("Arabic numbers: %q", got)
	}
}

// TestMatch: a saved choice wins, then Accept-Language, then English.
func TestMatch(t *testing.T) {
	for _, c := range []struct {
		accept string
		saved  []string
		want   string
	}{
		{"", nil, "en"}, {"ar-QA,ar;q=0.9,en;q=0.5", nil, "ar"}, {"he-IL", nil, "he"}, {"iw", nil, "he"},
		{"fr-FR, de", nil, "en"}, {"ar", []string{"he"}, "he"}, {"ar", []string{"xx", ""}, "ar"}, {"garbage;;q=", nil, "en"},
	} {
		if got := i18n.Match(c.accept, c.saved...).Code; got != c.want {
			t.Errorf("Match(%q, %q) = %s, want %s", c.accept, c.saved, got, c.want)
		}
	}
}

// TestLanguagesAgree: the languages a user may save are those with a
// catalog, and right-to-left ones say so.
func TestLanguagesAgree(t *testing.T) {
	var codes []string
	for _, l := range i18n.Locales() {
		codes = append(codes, l.Code)
		if l.RTL() != (l.Code == "ar" || l.Code == "he") {
			t.Errorf("%s: dir %s", l.Code, l.Dir)
		}
	}
	if !slices.Equal(codes, parley.Languages) {
		t.Errorf("catalogs %v, saveable languages %v", codes, parley.Languages)
	}
}
