// Command lotse runs Lotse, the Telegram bot of a municipality's integration management.
//
//	lotse            run the bot (TELEGRAM_BOT_TOKEN, LOTSE_CONFIG, LOTSE_DB, TELEGRAM_API_URL)
//	lotse playground chat with the bot in a web page, against a built-in stand-in for Telegram
//	lotse check [f]  validate a configuration file and the catalogs
//	lotse version    print the version this binary was built from
//
// The program lives in package app, with its end-to-end tests; this file only starts it.
package main

import (
	"os"

	"github.com/lotse-bot/lotse/app"
)

// version is stamped by the build: go build -ldflags "-X main.version=1.4.0". It stays in
// package main so that this flag, which packagers and the Dockerfile use, keeps its name.
var version string

func main() { os.Exit(app.Command(version, os.Args[1:])) }
