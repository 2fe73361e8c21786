// Package i18n holds parley's interface languages: the message catalogs
// (English, Arabic, Hebrew) kept in this folder as JSON, the choice of a
// language from a saved setting or Accept-Language, and formatting with
// plural rules, all through golang.org/x/text.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Locale is one interface language: its code, its writing direction and a
// printer over its catalog.
type Locale struct {
	// Code is the BCP 47 code, as in <html lang>.
	Code string
	// Name is the language's own name, for the language switch.
	Name string
	// Dir is "rtl" or "ltr", as in <html dir>.
	Dir string
	tag language.Tag
	p   *message.Printer
	// known holds the keys the language's catalog translates.
	known map[string]bool
}

//go:embed *.json
var catalogFS embed.FS

// entry is one catalog entry: a plain string, or plural forms keyed by
// CLDR category ("zero", "one", "two", "few", "many", "other") or "=N",
// chosen by the first argument.
type entry struct {
	text   string
	plural map[string]string
}

func (e *entry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &e.plural)
	}
	return json.Unmarshal(b, &e.text)
}

var (
	locales []*Locale
	byCode  = map[string]*Locale{}
	matcher language.Matcher
	// missMu guards misses: keys asked of a language whose catalog lacks
	// them.
	missMu sync.Mutex
	misses = map[string]bool{}
)

// pluralOrder is the order plural.Selectf wants the cases in.
var pluralOrder = []string{"zero", "one", "two", "few", "many", "other"}

func init() {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, l := range []struct{ code, name, dir string }{{"en", "English", "ltr"}, {"ar", "العربية", "rtl"}, {"he", "עברית", "rtl"}} {
		tag := language.MustParse(l.code)
		loc := &Locale{Code: l.code, Name: l.name, Dir: l.dir, tag: tag, known: map[string]bool{}}
		// Arabic is written here with Western digits, as in Arabic
		// Wikipedia and across the Gulf: figures, dates and ledger sizes
		// then read the same in every language.
		printTag := tag
		if l.code == "ar" {
			printTag = language.MustParse("ar-u-nu-latn")
		}
		raw, err := catalogFS.ReadFile(l.code + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l.code, err))
		}
		var entries map[string]entry
		if err := json.Unmarshal(raw, &entries); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l.code, err))
		}
		for key, e := range entries {
			loc.known[key] = true
			if e.plural == nil {
				if err := b.SetString(tag, key, e.text); err != nil {
					panic(fmt.Sprintf("i18n: %s %q: %v", l.code, key, err))
				}
				continue
			}
			var cases []any
			keys := make([]string, 0, len(e.plural))
			for k := range e.plural {
				keys = append(keys, k)
			}
			// Exact numbers first, then the categories in CLDR order.
			sort.Slice(keys, func(i, j int) bool {
				ri, rj := slices.Index(pluralOrder, keys[i]), slices.Index(pluralOrder, keys[j])
				return ri < rj || ri == rj && keys[i] < keys[j]
			})
			for _, k := range keys {
				if k != "other" && k[0] != '=' && !slices.Contains(pluralOrder, k) {
					panic(fmt.Sprintf("i18n: %s %q: no plural category %q", l.code, key, k))
				}
				cases = append(cases, k, e.plural[k])
			}
			if err := b.Set(tag, key, plural.Selectf(1, "", cases...)); err != nil {
				panic(fmt.Sprintf("i18n: %s %q: %v", l.code, key, err))
			}
		}
		loc.p = message.NewPrinter(printTag, message.Catalog(b))
		locales = append(locales, loc)
		byCode[l.code] = loc
	}
	tags := make([]language.Tag, len(locales))
	for i, l := range locales {
		tags[i] = l.tag
	}
	matcher = language.NewMatcher(tags)
}

// Default is English, the language of the catalog keys.
func Default() *Locale { return locales[0] }

// Locales lists the interface languages.
func Locales() []*Locale { return slices.Clone(locales) }

// Get returns the locale with code, or nil.
func Get(code string) *Locale { return byCode[code] }

// Match chooses the interface language: the first of the codes given
// (a saved setting, a cookie) that is supported, else the best match for
// the Accept-Language header, else English.
func Match(acceptLanguage string, codes ...string) *Locale {
	for _, c := range codes {
		if l := byCode[c]; l != nil {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default()
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default()
	}
	return locales[i]
}

// T translates key (the English text, a fmt format) and formats it with
// args; a key with plural forms chooses them by the first argument.
func (l *Locale) T(key string, args ...any) string {
	if l.Code != "en" && !l.known[key] {
		missMu.Lock()
		misses[l.Code+": "+key] = true
		missMu.Unlock()
	}
	return l.p.Sprintf(key, args...)
}

// Number formats n with the language's digits and separators.
func (l *Locale) Number(n any) string { return l.p.Sprint(n) }

// RTL reports whether the language is written right to left.
func (l *Locale) RTL() bool { return l.Dir == "rtl" }

// Missing lists the keys, with their language, that were asked of a
// catalog that lacks them since the program started: a test renders every
// page in every language and expects none.
func Missing() []string {
	missMu.Lock()
	defer missMu.Unlock()
	out := make([]string, 0, len(misses))
	for k := range misses {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Keys returns the keys the catalog of code holds, sorted.
func Keys(code string) []string {
	l := byCode[code]
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(l.known))
	for k := range l.known {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
