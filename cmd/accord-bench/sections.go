package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"
)

// sections names what accord-bench can measure, in the order of docs/BENCHMARKS.md.
var sections = []string{"pipeline", "boundary", "sync", "mapping", "matching", "incremental", "dedup"}

// writeSections writes the markdown of the sections run into the benchmarks file at path,
// keeping the sections of earlier runs that this run did not repeat. Each section sits between
// <!-- bench:NAME --> and <!-- /bench:NAME --> and starts with the machine and date it ran on.
func writeSections(path string, done map[string]string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Produced by `make bench` (`go run ./cmd/accord-bench`; `-only %s` runs some sections and\n", strings.Join(sections, ","))
	fmt.Fprintf(&b, "keeps the others). Each section says when and on what it ran.\n\n")
	for _, name := range sections {
		body, ok := done[name]
		if ok {
			body = fmt.Sprintf("_Run %s on %s._\n\n", time.Now().UTC().Format("2006-01-02"), machine()) + body
		} else if body, ok = sectionOf(string(old), name); !ok {
			continue
		}
		fmt.Fprintf(&b, "<!-- bench:%s -->\n%s<!-- /bench:%s -->\n\n", name, body, name)
	}
	return os.WriteFile(path, []byte(strings.TrimRight(b.String(), "\n")+"\n"), 0o644)
}

// sectionOf returns the body of section name in a benchmarks file.
func sectionOf(doc, name string) (string, bool) {
	_, rest, ok := strings.Cut(doc, "<!-- bench:"+name+" -->\n")
	if !ok {
		return "", false
	}
	body, _, ok := strings.Cut(rest, "<!-- /bench:"+name+" -->")
	return body, ok
}

// machine describes the machine the benchmarks run on.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s, %s/%s", runtime.NumCPU(), cpu, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
