package generate

import "errors"

var (
	// ErrNoDir is returned by Generate when Options.Dir is empty.
	ErrNoDir = errors.New("no output directory")
	// ErrBadCompanies is returned by Generate when Options.Companies is negative.
	ErrBadCompanies = errors.New("negative number of companies")
	// ErrUnknownTable is returned by EditPhone for a table that is not one of the demo tables.
	ErrUnknownTable = errors.New("unknown demo table")
	// ErrRowNotFound is returned by EditPhone when no row has the given id.
	ErrRowNotFound = errors.New("row not found")
)
