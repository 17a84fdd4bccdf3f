package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Classification derives a golden record's lifecycle and tier from the transactions other golden
// entities record about it (orders, invoices: facts): `classification:` in golden/<entity>.yaml.
// The derived fields are golden fields like any other (declared under fields, pushed through
// the mappings) that no system may write.
type Classification struct {
	// Facts are the golden entities whose records are transactions of this entity's records.
	Facts     []FactSource `yaml:"facts"`
	Lifecycle *Lifecycle   `yaml:"lifecycle"`
	Tier      *Tier        `yaml:"tier"`
	// Every is how often every record is classified again as time passes (an active customer
	// turns silent without any new data); default 24h. Facts reclassify their customer at once.
	Every Duration `yaml:"every"`
}

// FactSource names the fields of a fact entity that classification reads.
type FactSource struct {
	Entity string `yaml:"entity"`
	// Customer holds the golden ID of the record the fact is about (a `lookup: {xref: …}`).
	Customer string `yaml:"customer"`
	// Date is a date or timestamp field: when the transaction happened.
	Date string `yaml:"date"`
	// Amount is a decimal or integer field: the transaction's value.
	Amount string `yaml:"amount"`
	// Currency, when set, is the field holding the amount's currency: facts in another
	// currency than the tier's are not added up.
	Currency string `yaml:"currency"`
}

// Lifecycle: potential (no transaction), active (one within ActiveDays), silent (none within
// ActiveDays), churned (none within ChurnedDays).
type Lifecycle struct {
	Field       string `yaml:"field"`
	ActiveDays  int    `yaml:"active_days"`
	ChurnedDays int    `yaml:"churned_days"`
}

// Tier: high from High, mid from Mid, else low, by the value of the transactions of the last
// WindowDays.
type Tier struct {
	Field      string `yaml:"field"`
	WindowDays int    `yaml:"window_days"`
	Currency   string `yaml:"currency"`
	High       string `yaml:"high"`
	Mid        string `yaml:"mid"`
}

// Lifecycle and tier values.
const (
	LifecyclePotential = "potential"
	LifecycleActive    = "active"
	LifecycleSilent    = "silent"
	LifecycleChurned   = "churned"
	TierHigh           = "high"
	TierMid            = "mid"
	TierLow            = "low"
)

// LifecycleValues and TierValues are what the derived enum fields must accept.
var (
	LifecycleValues = []string{LifecyclePotential, LifecycleActive, LifecycleSilent, LifecycleChurned}
	TierValues      = []string{TierHigh, TierMid, TierLow}
)

// Interval is how often every record is classified again.
func (c *Classification) Interval() time.Duration {
	if c.Every == 0 {
		return 24 * time.Hour
	}
	return time.Duration(c.Every)
}

// Thresholds returns the tier's thresholds as decimals (valid once the configuration loaded).
func (t *Tier) Thresholds() (high, mid decimal.Decimal) {
	high, _ = decimal.NewFromString(t.High)
	mid, _ = decimal.NewFromString(t.Mid)
	return high, mid
}

// Of is the tier of value v.
func (t *Tier) Of(v decimal.Decimal) string {
	high, mid := t.Thresholds()
	switch {
	case v.GreaterThanOrEqual(high):
		return TierHigh
	case v.GreaterThanOrEqual(mid):
		return TierMid
	}
	return TierLow
}

// Derived reports whether field is computed by classification.
func (g *Golden) Derived(field string) bool {
	c := g.Classification
	return c != nil && ((c.Lifecycle != nil && c.Lifecycle.Field == field) || (c.Tier != nil && c.Tier.Field == field))
}

// ClassifiedBy returns the entities that classify their records with facts of entity, sorted.
func (c *Config) ClassifiedBy(entity string) []string {
	var out []string
	for name, g := range c.Golden {
		if g.Classification == nil {
			continue
		}
		for _, f := range g.Classification.Facts {
			if f.Entity == entity {
				out = append(out, name)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// validateClassification checks a golden model's classification: fact entities and their
// fields exist with usable types, the derived fields are enums with the right values, and the
// thresholds are in order.
func (c *Config) validateClassification(g *Golden) []error {
	cl := g.Classification
	if cl == nil {
		return nil
	}
	var errs []error
	at := func(path []any, format string, a ...any) {
		errs = append(errs, g.src.errorf(append([]any{"classification"}, path...), "classification: "+format, a...))
	}
	if len(cl.Facts) == 0 {
		at(nil, "facts: name at least one fact entity (orders, invoices) to classify by")
	}
	for i, f := range cl.Facts {
		path := []any{"facts", i}
		fg, ok := c.Golden[f.Entity]
		switch {
		case f.Entity == g.Entity:
			at(path, "facts[%d]: %s cannot be a fact of itself", i, f.Entity)
			continue
		case !ok:
			at(path, "facts[%d]: no golden model golden/%s.yaml", i, f.Entity)
			continue
		case fg.Classification != nil:
			at(path, "facts[%d]: %s is classified itself: a fact entity cannot be", i, f.Entity)
			continue
		case len(c.ClassifiedBy(f.Entity)) > 1:
			at(path, "facts[%d]: %s is a fact of %v: it can be one entity's facts only", i, f.Entity, c.ClassifiedBy(f.Entity))
		}
		need := func(role, field string, types ...string) {
			d, ok := fg.Fields[field]
			switch {
			case field == "":
				at(path, "facts[%d]: %s is required (a field of %s)", i, role, f.Entity)
			case !ok:
				at(path, "facts[%d]: %s: %s has no field %q", i, role, f.Entity, field)
			case !slices.Contains(types, typeOr(d.Type)):
				at(path, "facts[%d]: %s: %s.%s is a %s, not %v", i, role, f.Entity, field, typeOr(d.Type), types)
			}
		}
		need("customer", f.Customer, TypeString)
		need("date", f.Date, TypeDate, TypeTimestamp)
		need("amount", f.Amount, TypeDecimal, TypeInteger)
		if f.Currency != "" {
			need("currency", f.Currency, TypeString, TypeEnum)
		}
	}
	derived := func(path []any, field string, values []string) {
		d, ok := g.Fields[field]
		switch {
		case field == "":
			at(path, "field is required (an enum field of %s)", g.Entity)
		case !ok:
			at(path, "field %q is not a field of %s", field, g.Entity)
		case d.Type != TypeEnum:
			at(path, "field %s must be an enum of %v", field, values)
		default:
			for _, v := range values {
				if !slices.Contains(d.Values, v) {
					at(path, "field %s: the enum lacks the value %q (it needs %v)", field, v, values)
				}
			}
		}
	}
	if l := cl.Lifecycle; l != nil {
		derived([]any{"lifecycle"}, l.Field, LifecycleValues)
		if l.ActiveDays <= 0 || l.ChurnedDays <= l.ActiveDays {
			at([]any{"lifecycle"}, "lifecycle: active_days (%d) must be over 0 and churned_days (%d) over active_days", l.ActiveDays, l.ChurnedDays)
		}
	}
	if t := cl.Tier; t != nil {
		derived([]any{"tier"}, t.Field, TierValues)
		if t.WindowDays <= 0 {
			at([]any{"tier"}, "tier: window_days (%d) must be over 0", t.WindowDays)
		}
		high, errH := decimal.NewFromString(t.High)
		mid, errM := decimal.NewFromString(t.Mid)
		switch {
		case errH != nil || errM != nil:
			at([]any{"tier"}, "tier: high (%q) and mid (%q) must be numbers", t.High, t.Mid)
		case !mid.IsPositive() || !high.GreaterThan(mid):
			at([]any{"tier"}, "tier: mid (%s) must be over 0 and high (%s) over mid", mid, high)
		}
	}
	if cl.Lifecycle == nil && cl.Tier == nil {
		at(nil, "neither lifecycle nor tier: nothing to classify")
	}
	if cl.Lifecycle != nil && cl.Tier != nil && cl.Lifecycle.Field == cl.Tier.Field {
		at(nil, "lifecycle and tier both write %s", cl.Tier.Field)
	}
	return errs
}

func typeOr(t string) string {
	if t == "" {
		return TypeString
	}
	return t
}

// derivedMapped reports a binding field that reads a derived field from a system.
func derivedMapped(g *Golden, f FieldMap) error {
	if g.Derived(f.Golden) && f.Direction.In() {
		return fmt.Errorf("%s is derived by classification: no system writes it (map it with direction: outbound)", f.Golden)
	}
	return nil
}
