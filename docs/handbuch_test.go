// Package docs holds the guides; its test checks that the team's guide and its pictures
// belong together.
package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// picture is a Markdown image: ![text](handbuch/name.png).
var picture = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)\)`)

// TestHandbuchPicturesExistAndAreUsed checks that every picture docs/handbuch.md shows is in
// docs/handbuch/, and every PNG there is shown: a screenshot left over from an older
// playground, or one the guide names but the screenshot test no longer takes, fails here.
// The pictures themselves come from
//
//	LOTSE_HANDBUCH=write go test -run TestHandbuchScreenshots ./playground/
func TestHandbuchPicturesExistAndAreUsed(t *testing.T) {
	guide, err := os.ReadFile("handbuch.md")
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, m := range picture.FindAllSubmatch(guide, -1) {
		name := string(m[1])
		shown[filepath.Clean(name)] = true
		if filepath.Dir(filepath.Clean(name)) != "handbuch" || filepath.Ext(name) != ".png" {
			t.Errorf("handbuch.md shows %s; its pictures are PNGs in docs/handbuch/", name)
			continue
		}
		if _, err := os.Stat(name); err != nil {
			t.Errorf("handbuch.md shows %s, which is missing: %v", name, err)
		}
	}
	if len(shown) == 0 {
		t.Fatal("handbuch.md shows no pictures")
	}
	files, err := filepath.Glob(filepath.Join("handbuch", "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !shown[f] {
			t.Errorf("%s is not shown in handbuch.md: use it or remove it", f)
		}
	}
}
