package talks

import (
	"bytes"
	"context"
	"math/big"
	"strings"
	"time"

	"parley"
	"parley/settle"
)

// NewDomain sets the talks' negotiation domain from a domain file in any
// format the settlement engine reads (parley YAML or JSON, GeniusWeb, …).
type NewDomain struct {
	Source string `json:"source"`
}

// DomainView is the negotiation domain as mediators and parties see it.
type DomainView struct {
	Name   string      `json:"name"`
	Issues []IssueView `json:"issues"`
	// Outcomes is the number of packages, in decimal (it may exceed 2^64).
	Outcomes string    `json:"outcomes"`
	SetBy    string    `json:"set_by"`
	SetAt    time.Time `json:"set_at"`
	EventSeq int64     `json:"event_seq"`
	// Source is the domain in parley's JSON domain format.
	Source string `json:"source"`
}

// IssueView is one issue of the domain: discrete options or an integer
// range.
type IssueView struct {
	Name    string     `json:"name"`
	Options []string   `json:"options,omitempty"`
	Range   *RangeView `json:"range,omitempty"`
}

// RangeView is an integer range low, low+step, … high.
type RangeView struct {
	Low  int64 `json:"low"`
	High int64 `json:"high"`
	Step int64 `json:"step"`
}

// readDomain parses a domain file, mapping the engine's errors to EINVALID.
func readDomain(name, source string) (*settle.Domain, error) {
	if len(source) > parley.MaxDomainBytes {
		return nil, parley.Errorf(parley.ETOOLARGE, "the %s is %d bytes, the limit is %d", name, len(source), parley.MaxDomainBytes)
	}
	if err := parley.CheckText(name, source, parley.MaxDomainBytes); err != nil {
		return nil, err
	}
	d, err := settle.ReadDomain(name, []byte(source))
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "%s", strings.TrimPrefix(err.Error(), "settle: "))
	}
	return d, nil
}

// domainView describes d as stored in rec.
func domainView(d *settle.Domain, rec *parley.Domain) *DomainView {
	v := &DomainView{Name: d.Name, Issues: []IssueView{}, SetBy: rec.SetBy, SetAt: rec.SetAt, EventSeq: rec.EventSeq, Source: rec.Source}
	n := big.NewInt(1)
	for _, is := range d.Issues {
		iv := IssueView{Name: is.Name, Options: is.Options}
		if r := is.Range; r != nil {
			step := r.Step
			if step <= 0 {
				step = 1
			}
			iv.Range = &RangeView{Low: r.Low, High: r.High, Step: step}
		}
		v.Issues = append(v.Issues, iv)
		n.Mul(n, big.NewInt(int64(is.Len())))
	}
	v.Outcomes = n.String()
	return v
}

// loadDomain returns the talks' domain, parsed, after the text's read
// rule; ENOTFOUND when none is set.
func loadDomain(ctx context.Context, tx parley.Tx, sc *scope) (*settle.Domain, *parley.Domain, error) {
	if err := sc.checkReadText(); err != nil {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "negotiation domain not found")
	}
	rec, err := tx.Domain(ctx, sc.talks.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "the talks have no negotiation domain yet")
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := cachedDomain(rec.Source)
	if err != nil {
		return nil, nil, err
	}
	return d, rec, nil
}

// Domain returns the talks' negotiation domain.
func (s *Service) Domain(ctx context.Context, actor *parley.User, talksID string) (*DomainView, error) {
	var v *DomainView
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		d, rec, err := loadDomain(ctx, tx, sc)
		if err != nil {
			return err
		}
		v = domainView(d, rec)
		return nil
	})
	return v, err
}

// SetDomain sets or replaces the talks' negotiation domain: only an
// engaged mediator of live talks may, and only until the first proposal
// is made, since proposals are packages of the domain.
func (s *Service) SetDomain(ctx context.Context, actor *parley.User, talksID string, nd NewDomain) (*DomainView, error) {
	d, err := readDomain("domain", nd.Source)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := settle.WriteDomain(&buf, d, settle.JSON); err != nil {
		return nil, err
	}
	rec := &parley.Domain{TalksID: talksID, Name: d.Name, Source: buf.String(), SetBy: actor.ID}
	var v *DomainView
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkReadText(); err != nil {
			return parley.Errorf(parley.ENOTFOUND, "negotiation domain not found")
		}
		if err := sc.checkMediator("set the negotiation domain"); err != nil {
			return err
		}
		n, err := tx.CountProposals(ctx, talksID)
		if err != nil {
			return err
		}
		if n > 0 {
			return parley.Errorf(parley.ECONFLICT, "the domain is fixed once a proposal has been made")
		}
		rec.SetAt = s.now()
		e, err := s.emit(ctx, tx, actor.ID, talksID, parley.RoomText, parley.EventDomainSet, parley.DomainSet{Name: rec.Name, Source: rec.Source})
		if err != nil {
			return err
		}
		rec.EventSeq = e.Seq
		if err := tx.PutDomain(ctx, rec); err != nil {
			return err
		}
		v = domainView(d, rec)
		return nil
	})
	return v, err
}
