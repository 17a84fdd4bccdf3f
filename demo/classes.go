package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/accord-mdm/accord/config"
	"github.com/accord-mdm/accord/demo/generate"
	"github.com/accord-mdm/accord/store"
)

// Classes is what classification made of the demo's customers.
type Classes struct {
	Lifecycle, Tier map[string]int // golden customers by value
	// Checked customers of the ERP or the finance system were compared with the lifecycle and
	// tier the generator drew their transactions for; Agree of them matched. Wrong lists a few
	// that did not, by ERP or finance record ID.
	Checked, Agree int
	Wrong          []string
}

// countClasses counts the golden customers' classes and checks every customer the ERP or the
// finance system holds against the generator's truth, through its record's cross-reference.
func countClasses(ctx context.Context, s *store.Store, cl *config.Classification, truth generate.Truth) (Classes, error) {
	c := Classes{Lifecycle: map[string]int{}, Tier: map[string]int{}}
	tx := s.Read()
	for offset := 0; ; offset += 1000 {
		gs, err := tx.ListGolden(ctx, entity, 1000, offset)
		if err != nil {
			return c, err
		}
		for _, g := range gs {
			f, err := g.Fields()
			if err != nil {
				return c, err
			}
			c.Lifecycle[fmt.Sprint(f[cl.Lifecycle.Field])]++
			c.Tier[fmt.Sprint(f[cl.Tier.Field])]++
		}
		if len(gs) < 1000 {
			break
		}
	}
	checked := map[string]bool{}
	for key, company := range truth.Cluster {
		system, id, _ := strings.Cut(key, "/")
		if (system != "erp" && system != "finance") || checked[company] {
			continue
		}
		checked[company] = true
		want := truth.Facts[company]
		x, err := tx.GetXref(ctx, system, entity, id)
		if err != nil {
			return c, err
		}
		g, err := tx.GetGolden(ctx, x.GoldenID)
		if err != nil {
			return c, err
		}
		f, err := g.Fields()
		if err != nil {
			return c, err
		}
		tier := cl.Tier.Of(decimal.New(want.WindowCents, -2))
		c.Checked++
		if f[cl.Lifecycle.Field] == want.Lifecycle && f[cl.Tier.Field] == tier {
			c.Agree++
		} else if len(c.Wrong) < 5 {
			c.Wrong = append(c.Wrong, fmt.Sprintf("%s %s is %v/%v, drawn %s/%s", system, id, f[cl.Lifecycle.Field], f[cl.Tier.Field], want.Lifecycle, tier))
		}
	}
	return c, nil
}
