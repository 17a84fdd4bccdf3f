package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/store/storetest"
)

// TestPins: a pick replaces the field's pin; merged, a golden record's pins move to the
// survivor except where the survivor pins the field itself; unmerged, a record's pins go.
func TestPins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		pin := func(g, field, sys, id string) store.Pin {
			return store.Pin{GoldenID: g, Field: field, Entity: "customer", System: sys, ExternalID: id, ReviewCase: 4, DecidedBy: "alice", DecidedAt: at}
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, p := range []store.Pin{pin("A", "name", "erp", "E-1"), pin("A", "name", "crm", "C-1"), pin("A", "city", "crm", "C-1"),
				pin("B", "name", "erp", "E-2"), pin("B", "phone", "erp", "E-2")} {
				if err := tx.SetPin(ctx, p); err != nil {
					return err
				}
			}
			return tx.MovePins(ctx, "B", "A")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().PinsOf(ctx, "A")
		if err != nil || len(got) != 3 || got[0].Field != "city" || got[1].Field != "name" || got[1].System != "crm" ||
			got[2].Field != "phone" || got[2].ExternalID != "E-2" || !got[2].DecidedAt.Equal(at) {
			t.Fatalf("pins of A: %+v, %v", got, err)
		}
		if b, err := s.Read().PinsOf(ctx, "B"); err != nil || len(b) != 0 {
			t.Fatalf("pins of B after the move: %+v, %v", b, err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DropPinsOn(ctx, "customer", "crm", "C-1") }); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Read().PinsOf(ctx, "A"); err != nil || len(got) != 1 || got[0].Field != "phone" {
			t.Fatalf("pins of A after C-1 left: %+v, %v", got, err)
		}
	})
}
