package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteSectionsKeepsOthers runs one section into a file holding two: the other keeps its
// text, the run one is replaced and dated, and the order is the sections' order.
func TestWriteSectionsKeepsOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := writeSections(path, map[string]string{"pipeline": "old pipeline\n", "sync": "old sync\n"}); err != nil {
		t.Fatal(err)
	}
	if err := writeSections(path, map[string]string{"sync": "new sync\n", "boundary": "boundary\n"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, want := range []string{"old pipeline", "new sync", "boundary\n"} {
		if !strings.Contains(doc, want) {
			t.Errorf("file lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "old sync") {
		t.Errorf("the re-run section kept its old text:\n%s", doc)
	}
	p, b, s := strings.Index(doc, "bench:pipeline"), strings.Index(doc, "bench:boundary"), strings.Index(doc, "bench:sync")
	if p >= b || b >= s {
		t.Errorf("sections out of order:\n%s", doc)
	}
	if body, ok := sectionOf(doc, "sync"); !ok || !strings.HasPrefix(body, "_Run ") {
		t.Errorf("sync section %q: want it dated", body)
	}
	if _, err := parseSections("pipeline,nope"); err == nil {
		t.Error("parseSections accepted an unknown section")
	}
}
