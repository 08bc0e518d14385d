package app

import "runtime/debug"

// version is the one the build stamped into the lotse command (go build -ldflags "-X
// main.version=1.4.0"), handed over by Command. Without it the version is the commit the
// binary was built from, or "devel".
var version string

// buildVersion is the version of this binary: the stamped one, else the commit Go recorded
// at build time (with "-dirty" when the tree had changes), else "devel".
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "devel"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if modified == "true" {
		revision += "-dirty"
	}
	return revision
}
