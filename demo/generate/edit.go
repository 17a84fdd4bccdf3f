package generate

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// EditPhone sets the phone of row id in table (one of CRMTable, ERPTable, FinanceTable) of the
// database at dbPath, and its updated_at to now, as a user editing the record in that system
// would. now should be later than the row's updated_at, or readers paging on
// (updated_at, id) will not see the change. It returns ErrUnknownTable for any other table,
// ErrRowNotFound when no row has that id, and never creates a database.
func EditPhone(ctx context.Context, dbPath, table, id, phone string, now time.Time) (err error) {
	if table != CRMTable && table != ERPTable && table != FinanceTable {
		return fmt.Errorf("edit phone: %w: %q", ErrUnknownTable, table)
	}
	// mode=rw refuses to create a missing file; the busy timeout waits out concurrent readers.
	dsn := "file:" + (&url.URL{Path: dbPath}).EscapedPath() + "?mode=rw&_busy_timeout=5000"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", dbPath, cerr)
		}
	}()
	res, err := db.ExecContext(ctx,
		"UPDATE "+table+" SET phone = ?, updated_at = ? WHERE id = ?",
		phone, now.UTC().Format(TimeLayout), id)
	if err != nil {
		return fmt.Errorf("update phone of %s in %s: %w", id, dbPath, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("count updated rows in %s: %w", dbPath, err)
	}
	if n == 0 {
		return fmt.Errorf("edit phone of %s in %s: %w", id, table, ErrRowNotFound)
	}
	return nil
}

// PickOverlapping returns the CRM row id of a company that the ERP and the finance system also
// hold, for showing an edit propagate. It picks the smallest such id, so the answer depends
// only on truth. ok is false when there is none or ctx is done.
//
// The generator guarantees that the chosen CRM row shares a tax ID or email with another copy,
// so editing its phone does not cut it off from its golden record.
func PickOverlapping(ctx context.Context, truth Truth) (crmID string, ok bool) {
	held := make(map[string]uint8, truth.Companies)
	for key, company := range truth.Cluster {
		sys, _, _ := strings.Cut(key, "/")
		switch sys {
		case crm.String():
			held[company] |= 1
		case erp.String():
			held[company] |= 2
		case finance.String():
			held[company] |= 4
		}
	}
	if ctx.Err() != nil {
		return "", false
	}
	for key, company := range truth.Cluster {
		id, isCRM := strings.CutPrefix(key, crm.String()+"/")
		if isCRM && held[company] == 7 && (crmID == "" || id < crmID) {
			crmID = id
		}
	}
	return crmID, crmID != ""
}
