// Command hashcmd writes the hash of the English source text into the translated catalogs,
// as `goi18n merge` does, for those who translate by hand.
//
//	go run ./locales/hashcmd                  # every message without a hash gets one
//	go run ./locales/hashcmd -lang de Welcome # Welcome in German is now translated from the current English
//
// Without ids it only fills in missing hashes, so it never hides a stale translation. With
// ids it renews their hashes in every translated catalog, or in those of -lang: run it after
// updating those translations. It keeps the files as they are otherwise, comments and order
// included, and checks that no text changed before it writes.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/lotse-bot/lotse/locales"
)

func main() {
	dir := flag.String("dir", "locales", "the folder of the catalogs")
	lang := flag.String("lang", "", "only this catalog, e.g. de (default: every translated catalog)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./locales/hashcmd [-dir locales] [-lang code] [message id …]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*dir, *lang, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "hashcmd:", err)
		os.Exit(1)
	}
}

func run(dir, lang string, renew []string) error {
	fsys := os.DirFS(dir)
	source, err := locales.Messages(fsys, locales.Source)
	if err != nil {
		return err
	}
	for _, id := range renew {
		if source[id] == nil {
			return fmt.Errorf("message %s is not in active.%s.toml", id, locales.Source)
		}
	}
	names, err := fs.Glob(fsys, "active.*.toml")
	if err != nil {
		return err
	}
	found := false
	for _, name := range names {
		catalog := strings.TrimSuffix(strings.TrimPrefix(name, "active."), ".toml")
		if catalog == locales.Source || lang != "" && catalog != lang {
			continue
		}
		found = true
		n, err := stamp(filepath.Join(dir, name), source, renew)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Printf("%s: %d hashes written\n", name, n)
		}
	}
	if !found {
		return fmt.Errorf("no catalog active.%s.toml in %s", lang, dir)
	}
	return nil
}

var header = regexp.MustCompile(`^\[(\w+)\]\s*$`)
var hashLine = regexp.MustCompile(`^hash\s*=`)

// stamp writes the source hash into every message of the catalog at path that has none,
// and into the messages renew, and returns how many it wrote.
func stamp(path string, source map[string]*i18n.Message, renew []string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	before, err := parse(path, raw)
	if err != nil {
		return 0, err
	}
	var out []string
	written := 0
	inString, stamping := false, false
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if !inString {
			if m := header.FindStringSubmatch(line); m != nil {
				id := m[1]
				src, msg := source[id], before[id]
				stamping = src != nil && msg != nil && (msg.Hash == "" || slices.Contains(renew, id))
				out = append(out, line)
				if stamping {
					out = append(out, fmt.Sprintf("hash = %q\n", locales.SourceHash(src)))
					written++
				}
				continue
			}
			if stamping && hashLine.MatchString(line) {
				continue // replaced by the line above
			}
		}
		if strings.Count(line, `"""`)%2 == 1 {
			inString = !inString
		}
		out = append(out, line)
	}
	if written == 0 {
		return 0, nil
	}
	result := []byte(strings.Join(out, ""))
	after, err := parse(path, result)
	if err != nil {
		return 0, fmt.Errorf("%s: the stamped file does not parse (nothing written): %w", path, err)
	}
	if err := sameTexts(before, after); err != nil {
		return 0, fmt.Errorf("%s: nothing written: %w", path, err)
	}
	if bytes.Equal(raw, result) {
		return 0, nil
	}
	return written, os.WriteFile(path, result, 0o644)
}

func parse(path string, raw []byte) (map[string]*i18n.Message, error) {
	// Parsed exactly as Lotse parses its catalogs.
	name := filepath.Base(path)
	catalog := strings.TrimSuffix(strings.TrimPrefix(name, "active."), ".toml")
	return locales.Messages(fstest.MapFS{name: {Data: raw}}, catalog)
}

// sameTexts proves that stamping changed nothing but hashes.
func sameTexts(before, after map[string]*i18n.Message) error {
	if !slices.Equal(slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after))) {
		return errors.New("the messages changed")
	}
	for id, b := range before {
		a := *after[id]
		a.Hash = b.Hash
		if a != *b {
			return fmt.Errorf("message %s changed", id)
		}
	}
	return nil
}
