package bot_test

import (
	"github.com/lotse-bot/lotse/bot"
	"github.com/lotse-bot/lotse/store"
)

// The database main passes to bot.New is a bot.Store: the record types spelled out in both
// packages must stay the same.
var _ bot.Store = (*store.DB)(nil)
