package standardize

import (
	"fmt"
	"slices"
	"strings"
)

// Func standardizes one string value.
type Func func(string) (string, error)

// ByName returns the standardizer registered under name, configured with
// params. Mapping configuration refers to standardizers by these names:
//
//	text              Text
//	match_key         MatchKey
//	email             Email
//	email_key         EmailKey
//	phone             Phone; param "region" (ISO 3166-1 alpha-2, default "CN")
//	tax_id            TaxID
//	company_name_key  CompanyNameKey
//	person_name       PersonName
//	country           Country
//
// An unknown name, a parameter the standardizer does not take, or an invalid
// parameter value is an error wrapping ErrInvalid, so that a bad mapping is
// rejected when it is loaded rather than on the first record. An empty
// "region" counts as not set.
func ByName(name string, params map[string]string) (Func, error) {
	allowed := []string{}
	var f Func
	switch name {
	case "text":
		f = infallible(Text)
	case "match_key":
		f = infallible(MatchKey)
	case "email":
		f = Email
	case "email_key":
		f = EmailKey
	case "phone":
		allowed = []string{"region"}
		region, err := phoneRegion(params["region"])
		if err != nil {
			return nil, fmt.Errorf("standardizer %q: %w", name, err)
		}
		f = func(s string) (string, error) { return Phone(s, region) }
	case "tax_id":
		f = TaxID
	case "company_name_key":
		f = infallible(CompanyNameKey)
	case "person_name":
		f = infallible(PersonName)
	case "country":
		f = Country
	default:
		return nil, invalidMsg("unknown standardizer %q, expected one of %s", name, strings.Join(Names(), ", "))
	}
	for _, k := range sortedKeys(params) {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return nil, invalidMsg("standardizer %q takes no parameters, got %q", name, k)
			}
			return nil, invalidMsg("standardizer %q does not take parameter %q, expected %s", name, k, strings.Join(allowed, ", "))
		}
	}
	return f, nil
}

// Names returns the names ByName accepts, sorted, for configuration
// validation and error messages.
func Names() []string {
	return []string{"company_name_key", "country", "email", "email_key", "match_key", "person_name", "phone", "tax_id", "text"}
}

// infallible adapts a function that cannot fail to Func.
func infallible(f func(string) string) Func {
	return func(s string) (string, error) { return f(s), nil }
}

// sortedKeys returns the keys of m in order, so that which of several bad
// parameters is reported does not depend on map iteration.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
