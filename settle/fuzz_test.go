package settle_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	addSeeds(f, "ceasefire/domain.yaml", "party/domain.json", "party/host.json",
		"genius/laptop_domain.xml", "genius/laptop_buyer.xml", "genius/robot_domain.xml", "genius/real_domain.xml", "genius/grid_a.xml")
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

// FuzzReadGeniusProfile checks that no Genius XML input makes the profile
// reader panic, and that an accepted profile compiles and yields a
// frontier, on an integer domain (non-linear profiles) and a discrete one
// (additive profiles).
func FuzzReadGeniusProfile(f *testing.F) {
	addSeeds(f, "genius/grid_a.xml", "genius/grid_b.xml", "genius/laptop_buyer.xml", "genius/laptop_seller.xml")
	f.Add([]byte(`<utility_space type="nonlinear"><objective><utility maxutility="5"><ufun aggregation="max"><ufun weight="-2" aggregation="min"><hyperRectangle utility="3"><EXCLUDES index="1" min="0" max="4"/></hyperRectangle></ufun></ufun></utility></objective></utility_space>`))
	domains := []*settle.Domain{readDomainFile(f, "genius/grid_domain.xml"), readDomainFile(f, "genius/laptop_domain.xml")}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range domains {
			p, err := settle.ReadProfile("fuzz.xml", data, d)
			if err != nil {
				continue
			}
			s, err := settle.New(d, p, p)
			if err != nil {
				t.Fatalf("accepted profile does not compile: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err = s.Settle(ctx)
			cancel()

			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal(err)
			}
		}
	})
}

// readDomainFile reads a domain from testdata for a fuzz target.
func readDomainFile(f *testing.F, name string) *settle.Domain {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	d, err := settle.ReadDomain(name, data)
	if err != nil {
		f.Fatal(err)
	}
	return d
}
