package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/store/storetest"
)

// TestGoldenHistoryAndConfigVersion reads back the versions and lineage SaveGolden wrote, and
// the configuration recorded last.
func TestGoldenHistoryAndConfigVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		if _, err := s.Read().LatestConfigVersion(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no configuration yet: got %v, want ErrNotFound", err)
		}
		g := &store.Golden{ID: "g1", Entity: "customer", Version: 1, FieldsJSON: []byte(`{"name":"Acme"}`), CreatedAt: now, UpdatedAt: now}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveGolden(ctx, g, 0, "read crm record", []store.LineageEntry{{Field: "name", System: "crm", ExternalID: "C1", Rule: "all agree"}}); err != nil {
				return err
			}
			g.Version, g.FieldsJSON, g.UpdatedAt = 2, []byte(`{"name":"Acme Ltd","city":null}`), now.Add(time.Minute)
			if err := tx.SaveGolden(ctx, g, 1, "read erp record", []store.LineageEntry{
				{Field: "city", System: "erp", ExternalID: "E1", Rule: "cleared"}, {Field: "name", System: "erp", ExternalID: "E1", Rule: "source_priority"},
			}); err != nil {
				return err
			}
			for _, h := range []string{"aaa", "bbb", "aaa"} {
				if _, err := tx.SaveConfigVersion(ctx, h, []byte(`{"hash":"`+h+`"}`), now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		vs, err := s.Read().GoldenVersions(ctx, "g1")
		if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[1].Reason != "read erp record" || !vs[1].ChangedAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("versions = %+v, %v", vs, err)
		}
		if f, err := vs[1].Fields(); err != nil || f["name"] != "Acme Ltd" || f["city"] != nil {
			t.Fatalf("fields of version 2 = %v, %v", f, err)
		}
		ls, err := s.Read().LineageHistory(ctx, "g1")
		if err != nil || len(ls) != 3 || ls[0].Version != 1 || ls[1].Field != "city" || ls[2].System != "erp" {
			t.Fatalf("lineage history = %+v, %v", ls, err)
		}
		if vs, err := s.Read().GoldenVersions(ctx, "nope"); err != nil || len(vs) != 0 {
			t.Fatalf("unknown record: %+v, %v", vs, err)
		}
		cv, err := s.Read().LatestConfigVersion(ctx)
		if err != nil || cv.Version != 2 || cv.Hash != "bbb" || !strings.Contains(string(cv.Content), "bbb") {
			t.Fatalf("latest configuration = %+v, %v", cv, err)
		}
	})
}
