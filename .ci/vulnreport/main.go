// Command vulnreport reads govulncheck's JSON (-format json) on stdin and fails when Lotse
// calls a vulnerable function of a module it requires. A vulnerability of the Go standard
// library is a warning naming the Go release that fixes it: it belongs to the toolchain the
// machine has, which go.mod does not choose, and the Docker image builds with the newest
// release of its Go line anyway.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// finding is the part of govulncheck's finding message this report reads.
type finding struct {
	OSV          string `json:"osv"`
	FixedVersion string `json:"fixed_version"`
	Trace        []struct {
		Module   string `json:"module"`
		Version  string `json:"version"`
		Package  string `json:"package"`
		Function string `json:"function"`
	} `json:"trace"`
}

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnreport:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// report prints one line per vulnerability that Lotse's code calls and reports whether one
// of them is in a module rather than the standard library.
func report(r io.Reader, w io.Writer) (failed bool, err error) {
	dec := json.NewDecoder(r)
	seen := map[string]bool{}
	var lines []string
	for {
		var msg struct {
			Finding *finding `json:"finding"`
		}
		err := dec.Decode(&msg)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, err
		}
		f := msg.Finding
		// Only a trace that ends in a function is a call; the others say a vulnerable
		// package or module is merely there.
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" || seen[f.OSV] {
			continue
		}
		seen[f.OSV] = true
		t := f.Trace[0]
		if t.Module == "stdlib" {
			lines = append(lines, fmt.Sprintf("warning: %s in the Go standard library (%s %s), fixed in Go %s: build and run with a newer Go", f.OSV, t.Package, t.Version, strings.TrimPrefix(f.FixedVersion, "v")))
			continue
		}
		failed = true
		lines = append(lines, fmt.Sprintf("%s in %s@%s (%s.%s is called), fixed in %s: update the module", f.OSV, t.Module, t.Version, t.Package, t.Function, f.FixedVersion))
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "no vulnerable function is called")
	}
	return failed, nil
}
