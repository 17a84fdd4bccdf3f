package mapping

import (
	"errors"
	"fmt"

	"github.com/accord-mdm/accord/config"
)

// Resolver answers the lookups of one system's mapping. Resolve translates a reference the
// system holds into what the golden record keeps (inbound) or back (outbound: the value written
// to the system). found is false when nothing matches; err is for a lookup that cannot be
// answered (an ambiguous value, a store failure).
type Resolver interface {
	Resolve(l *config.Lookup, value string, outbound bool) (out string, found bool, err error)
}

// ErrNotLinked is an outbound cross-reference to a golden record the target system does not
// hold yet: the push is retried, as the record it refers to is usually being created.
var ErrNotLinked = errors.New("the record it refers to is not in this system yet")

// UnresolvedError is an inbound reference that resolved to nothing. A cross-reference to a
// record read later in the same page resolves on a second pass; the rest quarantine the record.
type UnresolvedError struct {
	Lookup *config.Lookup
	Value  string
}

// NotLinked ends the message of a cross-reference to a record not linked yet: the sync of the
// entity referred to retries the quarantined records whose message holds it.
const NotLinked = "which is not linked to a golden record (not read yet, or quarantined)"

func (e *UnresolvedError) Error() string {
	if e.Lookup.Xref != "" {
		return fmt.Sprintf("refers to %s record %q, %s", e.Lookup.Xref, e.Value, NotLinked)
	}
	key := e.Lookup.Key
	if key == "" {
		key = "ID"
	}
	return fmt.Sprintf("no %s row has %s %q (lookup of its %s)", e.Lookup.Object, key, e.Value, e.Lookup.Value)
}

// lookupIn resolves an inbound reference. A nil resolver (a dry run such as accord mapping
// test) keeps the reference; skip reports a missing reference under missing: absent.
func (f *inField) lookupIn(r Resolver, s string) (out string, skip bool, err error) {
	if f.lookup == nil || r == nil || s == "" {
		return s, false, nil
	}
	out, found, err := r.Resolve(f.lookup, s, false)
	switch {
	case err != nil:
		return s, false, fmt.Errorf("lookup: %w", err)
	case found:
		return out, false, nil
	case f.lookup.Missing == config.MissingAbsent:
		return s, true, nil
	}
	return s, false, &UnresolvedError{Lookup: f.lookup, Value: s}
}

// lookupOut translates a golden value into the system's reference; skip leaves the field out.
func (f *outField) lookupOut(r Resolver, s string) (out string, skip bool, err error) {
	if f.lookup == nil {
		return s, false, nil
	}
	if r == nil {
		return "", false, fmt.Errorf("field %s needs its lookup resolved to be written", f.column)
	}
	out, found, err := r.Resolve(f.lookup, s, true)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("lookup: %w", err)
	case found:
		return out, false, nil
	case f.lookup.Xref != "":
		return "", false, fmt.Errorf("field %s: golden %s %s: %w", f.column, f.lookup.Xref, s, ErrNotLinked)
	case f.lookup.Missing == config.MissingAbsent:
		return "", true, nil
	}
	return "", false, fmt.Errorf("field %s: no %s row has %s %q", f.column, f.lookup.Object, f.lookup.Value, s)
}

// Lookups lists the lookups of the mapping's fields, inbound and outbound.
func (m *Mapping) Lookups() []*config.Lookup {
	var out []*config.Lookup
	for _, f := range m.in {
		if f.lookup != nil {
			out = append(out, f.lookup)
		}
	}
	for _, f := range m.out {
		if f.lookup != nil {
			out = append(out, f.lookup)
		}
	}
	return out
}
