package master

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/store"
)

// feed says that the engine's entity is a fact source of a classified entity: every change of
// one of its golden records updates the fact and classifies the customer it is about again.
type feed struct {
	src  config.FactSource
	into *Engine
}

// newFeeds compiles the classified entities entity's records are facts of.
func newFeeds(cfg *config.Config, entity string) ([]feed, error) {
	var out []feed
	for _, name := range cfg.ClassifiedBy(entity) {
		into, err := NewEngine(cfg, name)
		if err != nil {
			return nil, err
		}
		for _, f := range cfg.Golden[name].Classification.Facts {
			if f.Entity == entity {
				out = append(out, feed{src: f, into: into})
			}
		}
	}
	return out, nil
}

// refreshFact brings the fact of golden record id (a fact entity's record) in step with its
// fields and classifies the customers it was and is about again. A record without a customer,
// a plausible date or an amount is no fact (and no longer counts when it was one).
func (e *Engine) refreshFact(ctx context.Context, tx *store.Tx, id string, fields map[string]any) error {
	for _, f := range e.feeds {
		prev, err := tx.GetFact(ctx, id)
		if err != nil {
			return err
		}
		next, err := f.fact(ctx, tx, e.entity, id, fields)
		if err != nil {
			return err
		}
		switch {
		case next == nil && prev == nil:
			continue
		case next == nil:
			err = tx.DeleteFact(ctx, id)
		case prev != nil && *prev == *next:
			continue
		default:
			err = tx.PutFact(ctx, *next)
		}
		if err != nil {
			return err
		}
		reason := fmt.Sprintf("classified again: %s %s changed", e.entity, id)
		for _, c := range affected(prev, next) {
			if _, err := f.into.recompute(ctx, tx, c, reason); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// affected are the customers a fact change touches, each once.
func affected(prev, next *store.Fact) []string {
	var out []string
	if prev != nil {
		out = append(out, prev.CustomerID)
	}
	if next != nil && (prev == nil || next.CustomerID != prev.CustomerID) {
		out = append(out, next.CustomerID)
	}
	return out
}

// fact reads a fact from a fact record's golden fields; nil when it is not one (yet).
func (f feed) fact(ctx context.Context, tx *store.Tx, entity, id string, fields map[string]any) (*store.Fact, error) {
	customer, day, amount := text(fields[f.src.Customer]), text(fields[f.src.Date]), text(fields[f.src.Amount])
	if customer == "" || day == "" || amount == "" {
		return nil, nil
	}
	on, ok := factDay(day)
	if !ok {
		return nil, nil
	}
	if _, err := decimal.NewFromString(amount); err != nil {
		return nil, nil
	}
	live, err := f.into.live(ctx, tx, customer)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // a reference to no golden record: nobody to classify
	}
	if err != nil {
		return nil, err
	}
	system, record, err := f.customerRecord(ctx, tx, entity, id)
	if err != nil {
		return nil, err
	}
	return &store.Fact{FactID: id, Entity: entity, CustomerID: live, OccurredOn: on.Format(time.DateOnly),
		Amount: amount, Currency: text(fields[f.src.Currency]), CustomerSystem: system, CustomerRecord: record}, nil
}

// customerRecord names the record of the fact's own system the fact refers to: the value of
// the column its mapping resolves by cross-reference, as last read. Empty when the reference is
// an expression or a nested path.
func (f feed) customerRecord(ctx context.Context, tx *store.Tx, entity, id string) (system, record string, err error) {
	xs, err := tx.XrefsOf(ctx, id)
	if err != nil {
		return "", "", err
	}
	for _, x := range xs {
		if x.Deleted {
			continue
		}
		_, b, err := f.into.cfg.Binding(x.System, entity)
		if err != nil {
			continue
		}
		for _, fm := range b.Fields {
			if fm.Golden != f.src.Customer || fm.Lookup == nil || fm.Lookup.Xref != f.into.entity || strings.Contains(fm.From, ".") {
				continue
			}
			snap, err := decodeSnapshot(x.FieldsJSON)
			if err != nil {
				return "", "", err
			}
			if v := text(snap.Raw[fm.From]); v != "" {
				return x.System, v, nil
			}
		}
	}
	return "", "", nil
}

// factDay is the UTC day of a date or timestamp value; placeholder dates are no day.
func factDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return time.Time{}, false
		}
	}
	t = t.UTC().Truncate(24 * time.Hour)
	return t, plausible(t)
}

// classify adds the derived fields of golden record id to choices: its lifecycle and tier from
// the facts about it, as of now.
func (e *Engine) classify(ctx context.Context, tx *store.Tx, id string, choices map[string]Choice) error {
	cl := e.model.Classification
	if cl == nil {
		return nil
	}
	facts, err := tx.FactsOf(ctx, id)
	if err != nil {
		return err
	}
	for f, c := range Classify(cl, facts, e.Now()) {
		choices[f] = c
	}
	return nil
}

// Classify works out the derived fields of a record with facts as of now: for each, the value
// and, as its rule, why in words.
func Classify(cl *config.Classification, facts []store.Fact, now time.Time) map[string]Choice {
	out := map[string]Choice{}
	today := now.UTC().Truncate(24 * time.Hour)
	if l := cl.Lifecycle; l != nil {
		out[l.Field] = lifecycle(l, facts, today)
	}
	if t := cl.Tier; t != nil {
		out[t.Field] = tier(t, facts, today)
	}
	return out
}

func lifecycle(l *config.Lifecycle, facts []store.Fact, today time.Time) Choice {
	var last time.Time
	var from store.Fact
	for _, f := range facts {
		if d, ok := factDay(f.OccurredOn); ok && d.After(last) {
			last, from = d, f
		}
	}
	if last.IsZero() {
		return Choice{Value: config.LifecyclePotential, Rule: "classification: potential (no transaction)"}
	}
	days := int(today.Sub(last).Hours() / 24)
	value, why := config.LifecycleActive, fmt.Sprintf("within %d days", l.ActiveDays)
	switch {
	case days > l.ChurnedDays:
		value, why = config.LifecycleChurned, fmt.Sprintf("over %d days", l.ChurnedDays)
	case days > l.ActiveDays:
		value, why = config.LifecycleSilent, fmt.Sprintf("over %d days, within %d", l.ActiveDays, l.ChurnedDays)
	}
	ago := fmt.Sprintf("%d days ago", days)
	if days < 0 {
		ago = "dated ahead"
	}
	return Choice{Value: value, SourceTime: last,
		Rule: fmt.Sprintf("classification: %s (last transaction %s %s on %s, %s: %s)",
			value, from.Entity, from.FactID, last.Format(time.DateOnly), ago, why)}
}

func tier(t *config.Tier, facts []store.Fact, today time.Time) Choice {
	high, mid := t.Thresholds()
	since := today.AddDate(0, 0, -t.WindowDays)
	sum, n, other := decimal.Zero, 0, 0
	for _, f := range facts {
		d, ok := factDay(f.OccurredOn)
		if !ok || d.Before(since) {
			continue
		}
		if t.Currency != "" && f.Currency != "" && !strings.EqualFold(f.Currency, t.Currency) {
			other++
			continue
		}
		a, err := decimal.NewFromString(f.Amount)
		if err != nil {
			continue
		}
		sum, n = sum.Add(a), n+1
	}
	value := t.Of(sum)
	cur := ""
	if t.Currency != "" {
		cur = t.Currency + " "
	}
	txs := "transactions"
	if n == 1 {
		txs = "transaction"
	}
	rule := fmt.Sprintf("classification: %s (%s%s from %d %s since %s; mid from %s, high from %s)",
		value, cur, sum.StringFixed(2), n, txs, since.Format(time.DateOnly), mid, high)
	if other > 0 {
		rule = strings.TrimSuffix(rule, ")") + fmt.Sprintf("; %d in other currencies not counted)", other)
	}
	return Choice{Value: value, Rule: rule}
}

// Reclassify classifies again, as of now, up to limit live golden records of the engine's entity
// after ID after (by ID), storing a new version of those whose class changed (and queuing it for
// the systems). It returns the last ID it looked at ("" when there were none left) and how many
// changed.
func (e *Engine) Reclassify(ctx context.Context, tx *store.Tx, after string, limit int) (last string, changed int, err error) {
	if e.model.Classification == nil {
		return "", 0, nil
	}
	ids, err := tx.GoldenIDsAfter(ctx, e.entity, after, limit)
	if err != nil {
		return "", 0, err
	}
	for _, id := range ids {
		stale, err := e.classStale(ctx, tx, id)
		if err != nil {
			return "", changed, err
		}
		if stale {
			if _, err := e.recompute(ctx, tx, id, "classified again as time passed"); err != nil {
				return "", changed, err
			}
			changed++
		}
		last = id
	}
	return last, changed, nil
}

// classStale reports whether golden record id's stored class differs from what its facts give now.
func (e *Engine) classStale(ctx context.Context, tx *store.Tx, id string) (bool, error) {
	g, err := tx.GetGolden(ctx, id)
	if err != nil {
		return false, err
	}
	stored, err := g.Fields()
	if err != nil {
		return false, err
	}
	now := map[string]Choice{}
	if err := e.classify(ctx, tx, id, now); err != nil {
		return false, err
	}
	for f, c := range now {
		if text(stored[f]) != c.Value {
			return true, nil
		}
	}
	return false, nil
}
