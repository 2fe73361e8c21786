package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parley"
)

// formatError turns a driver error into parley's codes, by the driver's
// result code and never by its message: a violated uniqueness constraint is
// ECONFLICT, a full disk (or a database at its size limit) ESTORAGEFULL, a
// database locked past the busy timeout EUNAVAILABLE. Anything else stays
// an internal error wrapped with what was being done. nil stays nil.
func formatError(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *parley.Error
	if errors.As(err, &pe) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return parley.Errorf(parley.ECONFLICT, "%s: it already exists", what)
		case code&0xff == sqlite3.SQLITE_FULL:
			return parley.Errorf(parley.ESTORAGEFULL, "the server's storage is full; nothing was written")
		case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
			return parley.Errorf(parley.EUNAVAILABLE, "the database is busy; try again")
		}
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// notFound is formatError for a lookup of one row: no row is ENOTFOUND.
func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENOTFOUND, "%s not found", what)
	}
	return formatError(err, what)
}

// conflict is formatError, with msg as the message of a uniqueness conflict.
func conflict(err error, what, msg string) error {
	err = formatError(err, what)
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return parley.Errorf(parley.ECONFLICT, "%s", msg)
	}
	return err
}
