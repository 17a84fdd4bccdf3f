package demo

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/accord-mdm/accord/runner"
)

type printer struct{ w io.Writer }

func newPrinter(w io.Writer) *printer { return &printer{w: w} }

func (p *printer) step(format string, a ...any) { fmt.Fprintf(p.w, "\n▶ "+format+"\n", a...) }
func (p *printer) line(format string, a ...any) { fmt.Fprintf(p.w, format+"\n", a...) }

func (p *printer) summary(r *Report, node *runner.Node) {
	s := r.Stats
	p.step("Converged in %s", r.ConvergedIn.Round(100*time.Millisecond))
	p.line("  %-10s %8s %8s %8s %8s %11s", "system", "read", "created", "updated", "unchanged", "quarantined")
	systems := make([]string, 0, len(r.Truth.Rows))
	for sys := range r.Truth.Rows {
		systems = append(systems, sys)
	}
	sort.Strings(systems)
	for _, sys := range systems {
		w := s.Writes[sys]
		p.line("  %-10s %8d %8d %8d %8d %11d", sys, s.Read[sys]+s.Quarantined[sys], w["created"], w["updated"], w["suppressed"], s.Quarantined[sys])
	}
	p.line("  golden customers: %d (expected %d), %d merged from two or more systems", s.Golden, r.Truth.Companies, s.Contributed)
	if s.Merged > 0 {
		p.line("  golden records merged after a record proved two were one: %d", s.Merged)
	}
	if s.Review > 0 {
		p.line("  records held for a data steward (a similar customer exists): %d — accord review list", s.Review)
	}
	if c := r.Classes; c.Checked > 0 {
		p.line("  classified from %d ERP orders and %d finance invoices, written to the CRM:", r.Truth.Orders, r.Truth.Invoices)
		p.line("    lifecycle  %s", counts(c.Lifecycle, "potential", "active", "silent", "churned"))
		p.line("    tier       %s", counts(c.Tier, "high", "mid", "low"))
		p.line("    as the generator drew their transactions: %d of %d customers of the ERP or finance system", c.Agree, c.Checked)
		for _, w := range c.Wrong {
			p.line("      differs: %s", w)
		}
	}
	if r.UIURL != "" {
		p.line("\n  Temporal UI: %s/namespaces/default/workflows", r.UIURL)
	}
	_ = node
}

// counts lists the counts of keys in order, then any other key.
func counts(m map[string]int, keys ...string) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(keys, k) {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, " · ")
}

func (p *printer) next(r *Report, o Options) {
	p.step("Try next (in another terminal, while this runs)")
	data := o.DataDir + "/demo"
	p.line("  %s golden show %s --data-dir %s", o.ExecutablePath, r.EditedGolden, data)
	p.line("  %s golden explain %s --data-dir %s   (which system won each field, and why; lifecycle and tier from the facts)", o.ExecutablePath, r.EditedGolden, data)
	p.line("  %s golden list --data-dir %s", o.ExecutablePath, data)
	p.line("  %s status --data-dir %s", o.ExecutablePath, data)
	if r.UIURL != "" {
		p.line("  open %s/namespaces/default/workflows?query=AccordEntity%%3D%%22customer%%22", r.UIURL)
	}
}
