package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/lotse-bot/lotse/flows"
)

// Records are stored as JSON, one per key. These helpers are the one place that encodes,
// decodes and tells a missing record, so every bucket fails alike. Their errors name the
// kind of record, never its key: a key is often a person's Telegram id, and errors reach the
// log.

// getRecord returns the record of kind under key, or an error with code ENotFound.
func getRecord[T any](b *bolt.Bucket, key []byte, kind string) (*T, error) {
	raw := b.Get(key)
	if raw == nil {
		return nil, flows.Errorf(flows.ENotFound, "%s not found", kind)
	}
	return decodeRecord[T](raw, kind)
}

// decodeRecord decodes one stored record of kind.
func decodeRecord[T any](raw []byte, kind string) (*T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", kind, err)
	}
	return &v, nil
}

// putRecord stores v under key.
func putRecord(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// eachRecord calls fn, in key order, for every record of kind whose key starts with prefix
// (nil: every record), until fn fails.
func eachRecord[T any](b *bolt.Bucket, prefix []byte, kind string, fn func(key []byte, v *T) error) error {
	c := b.Cursor()
	for k, raw := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, raw = c.Next() {
		v, err := decodeRecord[T](raw, kind)
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// increment adds one to the counter under key.
func increment(b *bolt.Bucket, key []byte) error {
	n := uint64(0)
	if v := b.Get(key); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(key, u64(n+1))
}
