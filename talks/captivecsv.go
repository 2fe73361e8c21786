package talks

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"parley"
)

// CaptiveColumns are the columns of the captives CSV, in the order export
// writes them. Import reads them by name from the header row, in any
// order; lists (nationalities, categories) are separated by semicolons.
var CaptiveColumns = []string{"ref", "name", "holder", "nationalities", "captured_on", "captured_precision", "captured_place", "categories",
	"status", "confidence", "status_source", "status_date", "status_since"}

// requiredColumns must be in an import's header.
var requiredColumns = []string{"ref", "holder", "nationalities", "status", "confidence", "status_source", "status_date"}

// RefusedRow is a row of an import that was refused, and why.
type RefusedRow struct {
	// Line is the row's line in the file (the header is line 1).
	Line   int    `json:"line"`
	Ref    string `json:"ref"`
	Reason string `json:"reason"`
}

// ImportReport says what an import of captives did: every row is checked,
// and unless all of them pass, nothing is imported.
type ImportReport struct {
	Rows     int          `json:"rows"`
	Imported int          `json:"imported"`
	DryRun   bool         `json:"dry_run"`
	Refused  []RefusedRow `json:"refused"`
}

// csvRow is one data row with its line number.
type csvRow struct {
	line   int
	fields map[string]string
	err    error
}

// readCaptivesCSV reads the header and rows of a captives CSV. Rows that
// cannot be parsed come back with their error; a header that is missing,
// malformed or names unknown columns fails the whole file.
func readCaptivesCSV(r io.Reader) ([]csvRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, parley.Errorf(parley.EINVALID, "the CSV is empty; its first row names the columns (%s)", strings.Join(CaptiveColumns, ","))
	}
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "the CSV header cannot be read: %v", err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		header[i] = h
		if !slices.Contains(CaptiveColumns, h) {
			return nil, parley.Errorf(parley.EINVALID, "unknown column %q; the columns are %s", truncateText(h, 40), strings.Join(CaptiveColumns, ","))
		}
		if seen[h] {
			return nil, parley.Errorf(parley.EINVALID, "column %q appears twice", h)
		}
		seen[h] = true
	}
	for _, h := range requiredColumns {
		if !seen[h] {
			return nil, parley.Errorf(parley.EINVALID, "column %q is required", h)
		}
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(rows) >= parley.MaxImportRows {
			return nil, parley.Errorf(parley.ETOOLARGE, "an import holds at most %d rows", parley.MaxImportRows)
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			rows = append(rows, csvRow{line: pe.StartLine, err: parley.Errorf(parley.EINVALID, "malformed CSV: %v", pe.Err)})
			continue
		case err != nil:
			return nil, parley.Errorf(parley.EINVALID, "the CSV cannot be read: %v", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := csvRow{line: line, fields: map[string]string{}}
		if len(rec) != len(header) {
			row.err = parley.Errorf(parley.EINVALID, "the row has %d fields, the header %d", len(rec), len(header))
		}
		for i, v := range rec {
			if i < len(header) {
				row.fields[header[i]] = unguardCell(strings.TrimSpace(v))
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// splitField splits a list field on semicolons, dropping empty items.
func splitField(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// rowCaptive reads a row as a captive to record.
func rowCaptive(f map[string]string) NewCaptive {
	return NewCaptive{Ref: f["ref"], Name: f["name"], Holder: f["holder"], Nationalities: splitField(f["nationalities"]),
		CapturedOn: parley.Date(f["captured_on"]), CapturedPrecision: parley.DatePrecision(f["captured_precision"]), CapturedPlace: f["captured_place"],
		Categories: splitField(f["categories"]),
		Status: NewCaptiveStatus{Status: parley.CaptiveStatus(f["status"]), Confidence: parley.Confidence(f["confidence"]), Source: f["status_source"],
			Date: parley.Date(f["status_date"]), Since: parley.Date(f["status_since"])}}
}

// ImportCaptives records every captive of a CSV file in one command, or
// none: each row is validated (its fields, its holder, its dates, its ref
// against the file and the registry) and, if any is refused, the report
// lists every refused row and why, and the error says nothing was
// imported. With dryRun, the rows are checked and nothing is written.
func (s *Service) ImportCaptives(ctx context.Context, actor *parley.User, talksID string, r io.Reader, dryRun bool) (*ImportReport, error) {
	rows, err := readCaptivesCSV(r)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Rows: len(rows), DryRun: dryRun, Refused: []RefusedRow{}}
	err = s.command(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRegistrar(); err != nil {
			return err
		}
		existing, err := tx.Captives(ctx, talksID)
		if err != nil {
			return err
		}
		refs := map[string]int{}
		for _, c := range existing {
			refs[c.Ref] = 0
		}
		var cs []*parley.Captive
		for _, row := range rows {
			ref := row.fields["ref"]
			err := row.err
			var c *parley.Captive
			if err == nil {
				c, err = s.newCaptive(sc, actor, rowCaptive(row.fields))
			}
			if err == nil {
				if line, ok := refs[c.Ref]; ok && line == 0 {
					err = parley.Errorf(parley.ECONFLICT, "%s is already recorded in these talks", c.Ref)
				} else if ok {
					err = parley.Errorf(parley.ECONFLICT, "%s is also on line %d", c.Ref, line)
				} else {
					refs[c.Ref] = row.line
				}
			}
			if err != nil {
				if parley.ErrorCode(err) == parley.EINTERNAL {
					return err
				}
				rep.Refused = append(rep.Refused, RefusedRow{Line: row.line, Ref: strings.ToValidUTF8(truncateText(ref, 50), "\uFFFD"),
					Reason: strings.ToValidUTF8(parley.ErrorMessage(err), "\uFFFD")})
				continue
			}
			cs = append(cs, c)
		}
		if len(rep.Refused) > 0 {
			return parley.Errorf(parley.EINVALID, "%d of %d rows refused; nothing was imported", len(rep.Refused), len(rows))
		}
		if len(rows) == 0 {
			return parley.Errorf(parley.EINVALID, "the CSV has a header but no rows")
		}
		if dryRun {
			return nil
		}
		for _, c := range cs {
			if err := s.createCaptive(ctx, tx, actor, c); err != nil {
				return err
			}
		}
		rep.Imported = len(cs)
		return nil
	})
	if err != nil && len(rep.Refused) == 0 {
		return nil, err
	}
	return rep, err
}

// ExportCaptives writes the registry as CSV, one row per captive with its
// current status, in the columns import reads: for those who may read the
// records.
func (s *Service) ExportCaptives(ctx context.Context, actor *parley.User, talksID string) ([]byte, error) {
	var buf bytes.Buffer
	err := s.query(ctx, actor, talksID, func(tx parley.Tx, sc *scope) error {
		if err := sc.checkRecords(); err != nil {
			return err
		}
		cs, err := tx.Captives(ctx, talksID)
		if err != nil {
			return err
		}
		w := csv.NewWriter(&buf)
		w.Write(CaptiveColumns)
		for _, c := range cs {
			holder := c.Holder
			if d, err := sc.delegation(c.Holder); err == nil {
				holder = d.Slug
			}
			st := c.Status
			rec := []string{c.Ref, c.Name, holder, strings.Join(c.Nationalities, ";"), string(c.CapturedOn), string(c.CapturedPrecision), c.CapturedPlace,
				strings.Join(c.Categories, ";"), string(st.Status), string(st.Confidence), st.Source, string(st.Date), string(st.Since)}
			for i := range rec {
				rec[i] = guardCell(rec[i])
			}
			w.Write(rec)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("talks: export captives: %w", err)
		}
		return nil
	})
	return buf.Bytes(), err
}

// formulaStart holds the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStart = "=+-@\t\r"

// guardCell keeps a spreadsheet from running a cell as a formula when the
// export is opened: a cell starting with = + - @, a tab or a carriage
// return gets a leading apostrophe (OWASP's advice for CSV injection).
// Import removes it again (unguardCell), so an export re-imports exactly.
func guardCell(v string) string {
	if v != "" && strings.IndexByte(formulaStart, v[0]) >= 0 {
		return "'" + v
	}
	return v
}

// unguardCell undoes guardCell.
func unguardCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.IndexByte(formulaStart, v[1]) >= 0 {
		return v[1:]
	}
	return v
}

// truncateText shortens s to at most n bytes for an error message, on a
// character boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
