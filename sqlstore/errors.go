package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"parley"
)

// formatError turns a driver error into parley's codes by what the dialect
// reads from the driver's error code, never from its message: a violated
// foreign key (a row referring to one that does not exist) is ENOTFOUND, a
// violated uniqueness constraint is ECONFLICT, a full disk ESTORAGEFULL, a database
// locked or unreachable EUNAVAILABLE. Anything else stays an internal error
// wrapped with what was being done. nil stays nil.
func formatError(d Dialect, err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *parley.Error
	if errors.As(err, &pe) {
		return err
	}
	switch d.Code(err) {
	case parley.ENOTFOUND:
		return parley.Errorf(parley.ENOTFOUND, "%s: it refers to something that does not exist", what)
	case parley.ECONFLICT:
		return parley.Errorf(parley.ECONFLICT, "%s: it already exists", what)
	case parley.ESTORAGEFULL:
		return parley.Errorf(parley.ESTORAGEFULL, "the server's storage is full; nothing was written")
	case parley.EUNAVAILABLE:
		return parley.Errorf(parley.EUNAVAILABLE, "the database is busy or unreachable; try again")
	case parley.EINVALID:
		return parley.Errorf(parley.EINVALID, "the input is not valid text")
	}
	return fmt.Errorf("%s: %s: %w", d.Name(), what, err)
}

func (s *Store) formatError(err error, what string) error { return formatError(s.dialect, err, what) }

func (t *Tx) formatError(err error, what string) error { return formatError(t.d, err, what) }

// notFound is formatError for a lookup of one row: no row is ENOTFOUND.
func (t *Tx) notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "%s not found", what)
	}
	return t.formatError(err, what)
}

// conflict is formatError, with msg as the message of a uniqueness conflict.
func (t *Tx) conflict(err error, what, msg string) error {
	err = t.formatError(err, what)
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return parley.Errorf(parley.ECONFLICT, "%s", msg)
	}
	return err
}
