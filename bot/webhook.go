package bot

import (
	"crypto/subtle"
	"io"
	"net/http"
)

// maxUpdateBytes bounds the body of one webhook request; an update is a few kilobytes.
const maxUpdateBytes = 1 << 20

// WebhookHandler receives updates from Telegram in webhook mode. A request without the
// right secret gets 401 and is not looked at; an update is answered 200 only once it is
// journaled, so an acknowledged update is on disk. Until Run is ready, requests get 503
// and Telegram delivers them again.
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if b.opts.Webhook == nil || subtle.ConstantTimeCompare(got, []byte(b.opts.Webhook.Secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if !b.webhookReady.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateBytes+1))
		if err != nil || len(raw) > maxUpdateBytes {
			http.Error(w, "unreadable update", http.StatusBadRequest)
			return
		}
		in := b.read(raw)
		if in.id == 0 {
			// Telegram would deliver it again and again: drop it, as polling does.
			b.log.Warn("dropping a webhook request without update_id")
			w.WriteHeader(http.StatusOK)
			return
		}
		b.metrics.contact()
		// Telegram waits for this answer, so the update is only journaled here; it is
		// handled in its chat's queue.
		if err := b.take([]incoming{in}, false); err != nil {
			b.log.Error("journaling an update failed", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
