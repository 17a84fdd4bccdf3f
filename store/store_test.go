package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/store/storetest"
)

func TestMigrationsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.MigrateDownAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read().Stats(ctx, "customer"); err != nil {
			t.Fatalf("schema unusable after down/up: %v", err)
		}
	})
}

func TestGoldenVersionsOnlyGoUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		g := &store.Golden{ID: "g1", Entity: "customer", Version: 1, FieldsJSON: []byte(`{"name":"Acme"}`), CreatedAt: now, UpdatedAt: now}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveGolden(ctx, g, 0, "test", []store.LineageEntry{{Field: "name", System: "crm", ExternalID: "C1", Rule: "all agree"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		g.Version, g.FieldsJSON = 2, []byte(`{"name":"Acme Ltd"}`)
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveGolden(ctx, g, 1, "test", nil) }); err != nil {
			t.Fatal(err)
		}
		// A writer still at version 1 loses.
		g.Version = 2
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveGolden(ctx, g, 1, "stale", nil) })
		if !errors.Is(err, store.ErrVersionConflict) {
			t.Fatalf("stale save: got %v, want ErrVersionConflict", err)
		}
		got, err := s.Read().GetGolden(ctx, "g1")
		if err != nil {
			t.Fatal(err)
		}
		f, _ := got.Fields()
		if got.Version != 2 || f["name"] != "Acme Ltd" {
			t.Fatalf("got version %d fields %v", got.Version, f)
		}
		if _, err := s.Read().GetGolden(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing record: got %v", err)
		}
	})
}

func TestOutboxCoalescesAndLeases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.InTx(ctx, func(tx *store.Tx) error {
			must(tx.Enqueue(ctx, "erp", "customer", "g1", 1, now))
			must(tx.Enqueue(ctx, "erp", "customer", "g1", 3, now))
			must(tx.Enqueue(ctx, "erp", "customer", "g1", 2, now)) // late, lower version
			return tx.Enqueue(ctx, "erp", "customer", "g2", 1, now)
		}))
		var rows []store.OutboxRow
		must(s.InTx(ctx, func(tx *store.Tx) (err error) {
			rows, err = tx.Claim(ctx, "erp", "customer", 10, now, time.Minute)
			return err
		}))
		if len(rows) != 2 || rows[0].GoldenID != "g1" || rows[0].GoldenVersion != 3 {
			t.Fatalf("claimed %+v, want g1@3 and g2", rows)
		}
		// Claimed rows are not handed out again while leased…
		must(s.InTx(ctx, func(tx *store.Tx) error {
			again, err := tx.Claim(ctx, "erp", "customer", 10, now.Add(30*time.Second), time.Minute)
			if len(again) != 0 {
				t.Errorf("leased rows claimed again: %+v", again)
			}
			return err
		}))
		// …a newer version during the push keeps g1 pending after completion…
		must(s.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, "erp", "customer", "g1", 4, now) }))
		must(s.InTx(ctx, func(tx *store.Tx) error {
			must(tx.Complete(ctx, rows[0], now))
			return tx.Complete(ctx, rows[1], now)
		}))
		st, err := s.Read().Stats(ctx, "customer")
		must(err)
		if st.Outbox[store.OutboxPending] != 1 || st.Outbox[store.OutboxDone] != 1 {
			t.Fatalf("outbox %v, want 1 pending (g1@4) and 1 done", st.Outbox)
		}
		// …and an expired lease makes a row due again.
		must(s.InTx(ctx, func(tx *store.Tx) (err error) {
			rows, err = tx.Claim(ctx, "erp", "customer", 10, now, time.Second)
			return err
		}))
		must(s.InTx(ctx, func(tx *store.Tx) error {
			again, err := tx.Claim(ctx, "erp", "customer", 10, now.Add(2*time.Second), time.Minute)
			if len(again) != 1 || again[0].GoldenVersion != 4 {
				t.Errorf("expired lease: got %+v", again)
			}
			return err
		}))
	})
}

func TestMatchKeysAndXrefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceMatchKeys(ctx, "customer", "g1", []store.MatchKey{{Kind: "email", Value: "a@x.com"}, {Kind: "phone", Value: "+8613800138000"}}); err != nil {
				return err
			}
			if err := tx.ReplaceMatchKeys(ctx, "customer", "g2", []store.MatchKey{{Kind: "phone", Value: "+8613800138000"}}); err != nil {
				return err
			}
			return tx.UpsertXref(ctx, &store.Xref{System: "crm", Entity: "customer", ExternalID: "C1", GoldenID: "g1",
				FieldsJSON: []byte(`{}`), LastHash: "h", Origin: "read", UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		ids, err := s.Read().FindByKeys(ctx, "customer", []store.MatchKey{{Kind: "email", Value: "a@x.com"}, {Kind: "phone", Value: "+8613800138000"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 {
			t.Fatalf("FindByKeys = %v, want g1 and g2", ids)
		}
		x, err := s.Read().XrefIn(ctx, "g1", "crm", "customer")
		if err != nil || x.ExternalID != "C1" {
			t.Fatalf("XrefIn = %+v, %v", x, err)
		}
		if _, err := s.Read().XrefIn(ctx, "g1", "erp", "customer"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("XrefIn erp: %v", err)
		}
	})
}

func TestConfigVersionsAreStableByContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		save := func(hash string) int64 {
			var v int64
			err := s.InTx(ctx, func(tx *store.Tx) (err error) {
				v, err = tx.SaveConfigVersion(ctx, hash, []byte(`{"systems":{}}`), time.Now().UTC())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if a, b, c := save("h1"), save("h2"), save("h1"); a != 1 || b != 2 || c != 1 {
			t.Fatalf("versions %d %d %d, want 1 2 1", a, b, c)
		}
	})
}
