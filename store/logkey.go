package store

import (
	"crypto/rand"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// keyLog is the key that turns chat and user ids into the names they have in the log.
var keyLog = []byte("log_key")

// LogKey is this database's key for naming chats and users in the log without their ids.
// It is made at the first call and kept, so that one installation names one chat alike
// across restarts, backups and restores.
func (db *DB) LogKey() ([]byte, error) {
	var key []byte
	err := db.view(func(btx *bolt.Tx) error {
		key = slices.Clone(btx.Bucket(bucketMeta).Get(keyLog))
		return nil
	})
	if err != nil || key != nil {
		return key, err
	}
	err = db.update(func(btx *bolt.Tx) error {
		meta := btx.Bucket(bucketMeta)
		if key = slices.Clone(meta.Get(keyLog)); key != nil {
			return nil
		}
		key = make([]byte, 32)
		rand.Read(key)
		return meta.Put(keyLog, key)
	})
	return key, err
}
