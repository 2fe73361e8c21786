package settle_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"parley/settle"
)

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzReadDomain checks that no input makes the domain decoder panic and
// that any domain it accepts can be compiled.
func FuzzReadDomain(f *testing.F) {
	addSeeds(f, "ceasefire/domain.yaml", "party/domain.json", "party/host.json")
	f.Add([]byte(`{"issuesValues":{"x":{"range":{"low":-5,"high":5,"step":5}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := settle.ReadDomain("fuzz", data)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid domain: %v", err)
		}
		for i := range d.Issues {
			is := &d.Issues[i]
			for o := range min(is.Len(), 64) {
				if got := is.Index(is.Label(o)); got != o {
					t.Fatalf("issue %s: option %d labelled %q indexes back to %d", is.Name, o, is.Label(o), got)
				}
			}
		}
	})
}

// FuzzReadProfile checks that no input makes the profile decoder panic and
// that an accepted profile yields a space whose frontier can be computed.
func FuzzReadProfile(f *testing.F) {
	addSeeds(f, "party/host.json", "party/guest.json")
	f.Add([]byte("weights: {drinks: 0.5, food: 0.2, music: 0.2, guests: 0.1}\nscores: {drinks: {beer: 1, wine: 0, juice: 0}, food: {chips: 1, finger-food: 0, buffet: 0}, music: {playlist: 1, dj: 0, band: 0}, guests: [[10, 0], [50, 1]]}\n"))
	d := partyDomain(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := settle.ReadProfile("fuzz", data, d)
		if err != nil {
			return
		}
		s, err := settle.New(d, p, p)
		if err != nil {
			t.Fatalf("accepted profile does not compile: %v", err)
		}
		if _, err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadPackage checks the package decoder never panics.
func FuzzReadPackage(f *testing.F) {
	f.Add([]byte(`{"issuevalues":{"drinks":"juice","food":"chips","guests":30,"music":"dj"}}`))
	f.Add([]byte("drinks: beer\nguests: 1e400\n"))
	d := partyDomain(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pkg, err := settle.ReadPackage("fuzz", data, d)
		if err != nil {
			return
		}
		if len(pkg) != len(d.Issues) {
			t.Fatalf("package %v has the wrong length", pkg)
		}
	})
}

// partyDomain reads the party domain the profile and package fuzzers use.
func partyDomain(f *testing.F) *settle.Domain {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "party", "domain.json"))
	if err != nil {
		f.Fatal(err)
	}
	d, err := settle.ReadDomain("domain.json", data)
	if err != nil {
		f.Fatal(err)
	}
	return d
}
