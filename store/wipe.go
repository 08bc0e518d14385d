package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Erasure that holds without stopping the bot: what an erasure deleted stays in the pages
// its transaction freed until bbolt reuses them. A compaction rewrites the whole file while
// every write waits — seconds at a million appointments. Wipe instead overwrites the free
// pages with zeros where they lie, a bounded number per round, while reads go on; writes
// wait for one round only. Live pages hold no deleted record: bbolt writes a changed page
// anew, whole, and frees the old one.
//
// A free page may be zeroed when nothing can read it any more:
//   - no transaction: each round starts a write transaction (so no other writer can take a
//     free page) at a moment when no read transaction is open (db.mu is held for the start,
//     and no backup's snapshot is open); readers that start later see the last commit only;
//   - no crash: bbolt keeps the last two commits' meta pages and opens the newer valid one,
//     so a round zeroes only pages that both free lists on disk name, pages neither commit
//     can reach.

// wipeRound is how many free pages one round reads at most (4 MB of 4 KB pages); writes wait
// for one round, a few milliseconds.
const wipeRound = 1024

// errSnapshotOpen says a backup still reads the file: its snapshot may read free pages.
var errSnapshotOpen = errors.New("wipe: a backup is being copied; trying again later")

// Wipe overwrites with zeros every page of the file that no commit can reach, so nothing an
// erasure deleted stays readable in the file, and syncs the file. Once done, it clears the
// note that an erasure waits for a wipe, unless another erasure came meanwhile.
func (db *DB) Wipe() error {
	// One commit first, so both meta pages on disk are from after every erasure so far:
	// what those erasures freed is then named by both free lists.
	var erasures []byte
	if err := db.update(func(btx *bolt.Tx) error {
		erasures = bytes.Clone(btx.Bucket(bucketMeta).Get(keyErasure))
		return btx.Bucket(bucketMeta).Put(keyWiping, []byte{1})
	}); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	var left []uint64
	for first := true; first || len(left) > 0; first = false {
		var err error
		if left, err = db.wipeRound(left, first); err != nil {
			return err
		}
	}
	if err := db.syncFile(); err != nil {
		return err
	}
	return db.update(func(btx *bolt.Tx) error {
		meta := btx.Bucket(bucketMeta)
		if bytes.Equal(meta.Get(keyErasure), erasures) {
			if err := meta.Delete(keyErasure); err != nil {
				return err
			}
		}
		return meta.Delete(keyWiping)
	})
}

// WipeAfterErasures wipes the database's free pages after erasures (Wipe), so that nothing
// of an erased client stays readable in the file: delay after an erasure (erasures meanwhile
// are included), or delay after the start when the last run stopped before it wiped; and
// once more as soon as the erasure notices — the goodbye, the managers' note — have left the
// outbox, if they still waited then (Telegram unreachable); it looks every delay. While a
// backup is being copied, the wipe waits for the next look. done, when not nil, learns the
// outcome of each wipe. WipeAfterErasures returns when ctx ends.
func (db *DB) WipeAfterErasures(ctx context.Context, delay time.Duration, done func(error)) {
	if done == nil {
		done = func(error) {}
	}
	// What the last run left: an erasure not wiped yet, notices waiting to be sent. With
	// neither, nothing is wiped until the next erasure.
	pending, err := db.erasurePending()
	if err != nil {
		done(err)
		pending = true
	}
	waiting, err := db.noticesWaiting()
	if err != nil {
		done(err)
		waiting = true
	}
	timer := time.NewTimer(delay)
	armed := true
	arm := func() {
		if !armed {
			timer.Reset(delay)
			armed = true
		}
	}
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.erased:
			pending = true
			arm()
		case <-timer.C:
			armed = false
			still, err := db.pruneNotices()
			if err != nil {
				done(err)
				still = true
			}
			if pending || waiting && !still {
				switch err := db.Wipe(); {
				case errors.Is(err, errSnapshotOpen):
					still = waiting // look again after the backup
				case err != nil:
					done(err)
				default:
					done(nil)
					pending = false
				}
			}
			waiting = still
			if pending || waiting {
				arm()
			}
		}
	}
}

// wipeRound zeroes up to wipeRound of the pages still to wipe: on the first round every
// page free in both commits on disk, later the pages of left that are still free. It returns
// the pages left for the next round.
func (db *DB) wipeRound(left []uint64, first bool) ([]uint64, error) {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil, errors.New("wipe: the database is closed")
	}
	if db.snapshots.Load() > 0 {
		db.mu.Unlock()
		return nil, errSnapshotOpen
	}
	btx, err := db.bolt.Begin(true)
	db.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("wipe: %w", err)
	}
	defer btx.Rollback() // the transaction only holds other writers off
	f, err := os.OpenFile(db.path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("wipe: %w", err)
	}
	defer f.Close()
	pageSize := btx.DB().Info().PageSize
	free, err := freeInBothCommits(f, pageSize, uint64(btx.ID())-1)
	if err != nil {
		return nil, fmt.Errorf("wipe %s: %w", db.path, err)
	}
	if first {
		left = free
	} else {
		left = intersectSorted(left, free)
	}
	n := min(len(left), wipeRound)
	if err := zeroPages(f, pageSize, left[:n]); err != nil {
		return nil, fmt.Errorf("wipe %s: %w", db.path, err)
	}
	return left[n:], nil
}

// syncFile makes the zeros durable.
func (db *DB) syncFile() error {
	f, err := os.OpenFile(db.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	return nil
}

// freeInBothCommits reads the two meta pages of the file, makes sure the newer is the
// commit txid and both are whole, and returns the pages both their free lists name.
func freeInBothCommits(f *os.File, pageSize int, txid uint64) ([]uint64, error) {
	var lists [2][]uint64
	newest := false
	for i := range lists {
		meta := make([]byte, pageSize)
		if _, err := f.ReadAt(meta, int64(i*pageSize)); err != nil {
			return nil, fmt.Errorf("read meta page %d: %w", i, err)
		}
		at, err := validMeta(meta)
		if err != nil {
			return nil, fmt.Errorf("meta page %d: %w", i, err)
		}
		newest = newest || at == txid
		if lists[i], err = readFreelist(f, pageSize, meta); err != nil {
			return nil, err
		}
	}
	if !newest {
		return nil, fmt.Errorf("neither meta page is the last commit %d", txid)
	}
	return intersectSorted(lists[0], lists[1]), nil
}

// Offsets in bbolt's meta page after metaHighWaterAt: the transaction id, then the
// checksum (FNV-1a, 64 bit) of the meta's fields before it.
const (
	metaTxidAt     = metaHighWaterAt + 8
	metaChecksumAt = metaTxidAt + 8
	metaMagic      = 0xED0CDAED
)

// validMeta checks a meta page as bbolt does when it opens a file and returns its
// transaction id.
func validMeta(page []byte) (uint64, error) {
	if binary.NativeEndian.Uint32(page[pageHeaderSize:]) != metaMagic {
		return 0, errors.New("not a bbolt meta page")
	}
	h := fnv.New64a()
	h.Write(page[pageHeaderSize:metaChecksumAt])
	if h.Sum64() != binary.NativeEndian.Uint64(page[metaChecksumAt:]) {
		return 0, errors.New("checksum mismatch")
	}
	return binary.NativeEndian.Uint64(page[metaTxidAt:]), nil
}

// intersectSorted returns the ids in both sorted lists.
func intersectSorted(a, b []uint64) []uint64 {
	var out []uint64
	for _, id := range a {
		if _, found := slices.BinarySearch(b, id); found {
			out = append(out, id)
		}
	}
	return out
}

// zeroPages writes zeros over the pages (sorted ids) that are not zero yet; runs of
// following pages are read and written in one piece.
func zeroPages(f *os.File, pageSize int, pages []uint64) error {
	var buf []byte
	for len(pages) > 0 {
		run := 1
		for run < len(pages) && pages[run] == pages[0]+uint64(run) {
			run++
		}
		size := run * pageSize
		if len(buf) < size {
			buf = make([]byte, size)
		}
		at := int64(pages[0]) * int64(pageSize)
		chunk := buf[:size]
		if _, err := f.ReadAt(chunk, at); err != nil {
			return fmt.Errorf("read page %d: %w", pages[0], err)
		}
		if !allZero(chunk) {
			clear(chunk)
			if _, err := f.WriteAt(chunk, at); err != nil {
				return fmt.Errorf("zero page %d: %w", pages[0], err)
			}
		}
		pages = pages[run:]
	}
	return nil
}

// zeroPage is compared against, page by page.
var zeroPage [64 << 10]byte

// allZero reports whether b holds only zeros.
func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroPage))
		if !bytes.Equal(b[:n], zeroPage[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}
