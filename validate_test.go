package parley_test

import (
	"strings"
	"testing"

	"parley"
)

// TestValidate: each domain type says what is wrong with it, with the code
// the API maps to a status.
func TestValidate(t *testing.T) {
	long := strings.Repeat("x", parley.MaxMessageBytes+1)
	for _, tc := range []struct {
		name string
		v    interface{ Validate() error }
		want string
	}{
		{"TalksOK", &parley.Talks{Title: "Ceasefire", Status: parley.TalksActive}, ""},
		{"TalksNoTitle", &parley.Talks{Title: " ", Status: parley.TalksActive}, parley.EINVALID},
		{"TalksLongTitle", &parley.Talks{Title: strings.Repeat("t", parley.MaxTitleBytes+1), Status: parley.TalksActive}, parley.ETOOLARGE},
		{"TalksBadStatus", &parley.Talks{Title: "x", Status: "paused"}, parley.EINVALID},
		{"DelegationOK", &parley.Delegation{Name: "Qatar", Slug: "qatar", Kind: parley.KindMediator}, ""},
		{"DelegationBadSlug", &parley.Delegation{Name: "Qatar", Slug: "Qatar!", Kind: parley.KindMediator}, parley.EINVALID},
		{"DelegationBadKind", &parley.Delegation{Name: "Qatar", Slug: "qatar", Kind: "referee"}, parley.EINVALID},
		{"MemberOK", &parley.Member{Role: parley.RoleHead}, ""},
		{"MemberBadRole", &parley.Member{Role: "king"}, parley.EINVALID},
		{"MemberLongTitle", &parley.Member{Role: parley.RoleStaff, Title: strings.Repeat("t", parley.MaxTitleBytes+1)}, parley.ETOOLARGE},
		{"UserOK", &parley.User{Name: "al-thani", DisplayName: "Al Thani"}, ""},
		{"UserBadName", &parley.User{Name: "Al Thani", DisplayName: "Al Thani"}, parley.EINVALID},
		{"UserLongName", &parley.User{Name: strings.Repeat("a", parley.MaxSlugBytes+1), DisplayName: "A"}, parley.EINVALID},
		{"MessageOK", &parley.Message{Room: "caucus:israel", Text: "שלום, مرحبا", Disclosure: parley.MediatorOnly}, ""},
		{"MessageBlank", &parley.Message{Room: "plenary", Text: "\n\t", Disclosure: parley.Public}, parley.EINVALID},
		{"MessageTooLong", &parley.Message{Room: "plenary", Text: long, Disclosure: parley.Public}, parley.ETOOLARGE},
		{"MessageNUL", &parley.Message{Room: "plenary", Text: "a\x00b", Disclosure: parley.Public}, parley.EINVALID},
		{"MessageBadUTF8", &parley.Message{Room: "plenary", Text: "\xff", Disclosure: parley.Public}, parley.EINVALID},
		{"MediatorOnlyInPlenary", &parley.Message{Room: "plenary", Text: "x", Disclosure: parley.MediatorOnly}, parley.EINVALID},
		{"RelayBadMode", &parley.Message{Room: "plenary", Text: "x", Disclosure: parley.Public, Relay: &parley.Relay{Mode: "summary", Attribution: parley.Anonymous}}, parley.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parley.ErrorCode(tc.v.Validate()); got != tc.want {
				t.Fatalf("code %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckLimit(t *testing.T) {
	for limit, want := range map[int]int{0: parley.DefaultPageSize, 1: 1, parley.MaxPageSize: parley.MaxPageSize} {
		if got, err := parley.CheckLimit(limit); err != nil || got != want {
			t.Errorf("CheckLimit(%d) = %d, %v", limit, got, err)
		}
	}
	for _, limit := range []int{-1, parley.MaxPageSize + 1} {
		if _, err := parley.CheckLimit(limit); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("CheckLimit(%d): %v", limit, err)
		}
	}
}
