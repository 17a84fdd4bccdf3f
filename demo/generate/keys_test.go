package generate

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// testRow is one row as an exact-key matcher sees it: normalised keys, "" when absent.
type testRow struct {
	key, company      string // key is "system/id"
	tax, email, phone string
	rawPhone          string
}

// The tests re-derive keys with their own simple normalisation rather than the generator's.

func normTax(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func normEmail(s string) string { return strings.ToLower(norm.NFKC.String(strings.TrimSpace(s))) }

// normPhone returns +<country><number>: a leading + or 00 introduces the country code,
// anything else is a Chinese national number.
func normPhone(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	digits := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, s)
	switch {
	case digits == "":
		return ""
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	default:
		digits = "86" + digits
	}
	return "+" + digits
}

// validEmail is a deliberately simple syntax check: one @, both sides non-empty, a dotted
// domain without empty labels.
func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return false
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return len(labels) > 1
}

// loadRows reads the key columns of all three databases.
func loadRows(t *testing.T, dir string, truth Truth) []testRow {
	t.Helper()
	var rows []testRow
	for s := range numSystems {
		tb := tableOf(s)
		cols := map[system]string{crm: "tax_id, email", erp: "tax_no, email", finance: "tax_id, billing_email"}[s]
		db := openTestDB(t, filepath.Join(dir, tb.file))
		res, err := db.QueryContext(t.Context(), "SELECT id, "+cols+", phone FROM "+tb.name+" ORDER BY id")
		if err != nil {
			t.Fatalf("query %s: %v", tb.name, err)
		}
		for res.Next() {
			var id string
			var tax, email, phone sql.NullString
			if err := res.Scan(&id, &tax, &email, &phone); err != nil {
				t.Fatalf("scan %s: %v", tb.name, err)
			}
			key := s.String() + "/" + id
			company, ok := truth.Cluster[key]
			if !ok {
				t.Fatalf("%s is not in Truth.Cluster", key)
			}
			rows = append(rows, testRow{key: key, company: company, tax: normTax(tax.String),
				email: normEmail(email.String), phone: normPhone(phone.String), rawPhone: phone.String})
		}
		if err := res.Err(); err != nil {
			t.Fatalf("read %s: %v", tb.name, err)
		}
		_ = res.Close()
	}
	if len(rows) != len(truth.Cluster) {
		t.Fatalf("databases hold %d rows, Truth.Cluster %d", len(rows), len(truth.Cluster))
	}
	return rows
}

// checkKeyValues checks each key of a valid row: a valid credit code, a well-formed email,
// and a phone libphonenumber accepts as a mobile number with the same E.164 form.
func checkKeyValues(t *testing.T, r testRow) {
	t.Helper()
	if r.tax != "" && !ValidCreditCode(r.tax) {
		t.Errorf("%s: invalid tax ID %q", r.key, r.tax)
	}
	if r.email != "" && !validEmail(r.email) {
		t.Errorf("%s: invalid email %q", r.key, r.email)
	}
	if strings.HasPrefix(r.phone, "+86"+ReservedPhonePrefix) {
		t.Errorf("%s: phone %q is in the reserved range", r.key, r.rawPhone)
	}
	if r.phone != "" {
		n, err := phonenumbers.Parse(r.rawPhone, "CN")
		if err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.GetNumberType(n) != phonenumbers.MOBILE {
			t.Errorf("%s: phone %q is not a valid mobile number (%v)", r.key, r.rawPhone, err)
		} else if e164 := phonenumbers.Format(n, phonenumbers.E164); e164 != r.phone {
			t.Errorf("%s: phone %q is %s to libphonenumber, %s to the test", r.key, r.rawPhone, e164, r.phone)
		}
	}
}

// checkKeys runs an exact-key matcher over the rows and checks its clusters are the truth's.
func checkKeys(t *testing.T, rows []testRow, truth Truth) {
	t.Helper()
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := make(map[string]int) // "kind:value" → first row carrying it
	invalid := 0
	for i, r := range rows {
		if r.email != "" && !validEmail(r.email) {
			invalid++
			if !strings.HasPrefix(r.key, "crm/") || r.tax != "" || r.phone != "" {
				t.Errorf("%s: invalid email %q but not a key-less CRM row", r.key, r.email)
			}
			continue
		}
		checkKeyValues(t, r)
		keys := 0
		for _, k := range []string{"tax:" + r.tax, "email:" + r.email, "phone:" + r.phone} {
			if strings.HasSuffix(k, ":") {
				continue
			}
			keys++
			first, seen := owner[k]
			if !seen {
				owner[k] = i
				continue
			}
			if rows[first].company != r.company {
				t.Errorf("%s of %s is also on %s of %s", k, r.key, rows[first].key, rows[first].company)
			}
			parent[find(i)] = find(first)
		}
		if keys == 0 {
			t.Errorf("%s: a valid row without any key", r.key)
		}
	}
	if invalid != truth.Invalid["crm"] {
		t.Errorf("found %d invalid rows, Truth.Invalid[crm] = %d", invalid, truth.Invalid["crm"])
	}
	roots := make(map[int]string)    // cluster → company
	clusters := make(map[string]int) // company → clusters
	for i, r := range rows {
		if r.email != "" && !validEmail(r.email) {
			continue
		}
		if _, ok := roots[find(i)]; !ok {
			roots[find(i)] = r.company
			clusters[r.company]++
		}
	}
	for company, n := range clusters {
		if n > 1 {
			t.Errorf("company %s falls apart into %d clusters", company, n)
		}
	}
	if len(roots) != truth.Companies {
		t.Errorf("exact-key matching gives %d golden records, Truth.Companies = %d", len(roots), truth.Companies)
	}
	checkOverlap(t, rows, truth)
}

// checkOverlap recounts Truth.Overlapping and checks that the CRM copy of every company held by
// all three systems shares a tax ID or email with another copy, as PickOverlapping promises.
func checkOverlap(t *testing.T, rows []testRow, truth Truth) {
	t.Helper()
	byCompany := make(map[string][]testRow)
	for _, r := range rows {
		byCompany[r.company] = append(byCompany[r.company], r)
	}
	overlapping := 0
	for company, copies := range byCompany {
		if len(copies) > 1 {
			overlapping++
		}
		if len(copies) < 3 {
			continue
		}
		var crmRow testRow
		others := make(map[string]bool)
		for _, r := range copies {
			if strings.HasPrefix(r.key, "crm/") {
				crmRow = r
			} else {
				others["tax:"+r.tax], others["email:"+r.email] = true, true
			}
		}
		if !(crmRow.tax != "" && others["tax:"+crmRow.tax]) && !(crmRow.email != "" && others["email:"+crmRow.email]) {
			t.Errorf("company %s: CRM row %s is linked by its phone only", company, crmRow.key)
		}
	}
	if overlapping != truth.Overlapping {
		t.Errorf("%d companies are in two or more systems, Truth.Overlapping = %d", overlapping, truth.Overlapping)
	}
	if len(byCompany) != len(companiesOf(truth)) {
		t.Errorf("rows name %d companies, Truth.Cluster %d", len(byCompany), len(companiesOf(truth)))
	}
}

func TestKeysSmallSets(t *testing.T) {
	for _, n := range []int{1, 7, 65, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			truth, err := Generate(t.Context(), Options{Dir: dir, Companies: n, Seed: uint64(n), Now: testNow()})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			checkKeys(t, loadRows(t, dir, truth), truth)
		})
	}
}
