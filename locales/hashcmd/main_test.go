package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lotse-bot/lotse/locales"
)

func TestStamp(t *testing.T) {
	const source = `[Welcome]
description = "First message."
other = "Hello"

[Notice]
other = """Read this:
[Later]
hash = "not a hash line: inside the text"
"""
`
	const translated = `# German.
[Welcome]
hash = "sha1-old"
other = "Hallo"

[Notice]
other = """Lies das:
[Later]
hash = "not a hash line: inside the text"
"""
`
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		b, err := os.ReadFile(filepath.Join(dir, "active.de.toml"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write("active.en.toml", source)
	write("active.de.toml", translated)
	src, err := locales.Messages(os.DirFS(dir), "en")
	if err != nil {
		t.Fatal(err)
	}
	welcome, notice := locales.SourceHash(src["Welcome"]), locales.SourceHash(src["Notice"])

	// Without ids only the missing hash is written; the stale one stays stale.
	if err := run(dir, "", nil); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(translated, "[Notice]\n", "[Notice]\nhash = \""+notice+"\"\n", 1)
	if got := read(); got != want {
		t.Fatalf("after stamping missing hashes:\n%s\nwant:\n%s", got, want)
	}
	if w, _ := locales.Stale(os.DirFS(dir), []string{"de"}); len(w) != 1 || !strings.Contains(w[0], "Welcome is stale") {
		t.Errorf("stale after stamping missing hashes: %q, want Welcome only", w)
	}

	// Naming the id renews its hash.
	if err := run(dir, "de", []string{"Welcome"}); err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(want, "sha1-old", welcome, 1)
	if got := read(); got != want {
		t.Fatalf("after renewing Welcome:\n%s\nwant:\n%s", got, want)
	}
	if w, _ := locales.Stale(os.DirFS(dir), []string{"de"}); len(w) != 0 {
		t.Errorf("still stale: %q", w)
	}

	if err := run(dir, "", []string{"Nothing"}); err == nil || !strings.Contains(err.Error(), "Nothing") {
		t.Errorf("an unknown id gave %v, want an error naming it", err)
	}
	if err := run(dir, "xx", nil); err == nil || !strings.Contains(err.Error(), "active.xx.toml") {
		t.Errorf("an unknown language gave %v, want an error naming its file", err)
	}
}
