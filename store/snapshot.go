package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backups stream: a copy is bbolt's Tx.WriteTo of one read transaction, which reads the
// file through a file handle, so neither the heap nor the memory map grows with the size of
// the database. But the file also holds the pages earlier transactions freed, with whatever
// they held — an erased client, a record past its retention — until bbolt reuses them. So
// the copy writes zeros in place of every page that the transaction's own free list names:
// it holds the live records of that moment and nothing else, like a compacted copy.

// snapshot is a read transaction on a bbolt file and a handle of that same file, from
// which a copy streams.
type snapshot struct {
	tx   *bolt.Tx
	file *os.File // reads the transaction's free list
	done func()   // when not nil, called once the transaction ended
}

// openSnapshot starts a read transaction on b, whose file is at path now (b.Path() names
// a compacted file by the name it was written under). The caller makes sure no compaction
// replaces the file at path meanwhile (db.mu), so the handle opened by name is the
// transaction's file; after that, the snapshot stays whole even if the file is replaced.
func openSnapshot(b *bolt.DB, path string) (*snapshot, error) {
	tx, err := b.Begin(false)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return &snapshot{tx: tx, file: f}, nil
}

// close ends the transaction; it may be called more than once.
func (s *snapshot) close() {
	if s.tx != nil {
		s.tx.Rollback()
		s.file.Close()
		s.tx = nil
		if s.done != nil {
			s.done()
		}
	}
}

// holds reports whether the bucket name holds a key in the snapshot.
func (s *snapshot) holds(name []byte) bool {
	b := s.tx.Bucket(name)
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// writeTo streams the copy to w: the pages in use as they are, free pages as zeros.
func (s *snapshot) writeTo(w io.Writer) (int64, error) {
	z := &freePageZeroer{w: w, file: s.file, pageSize: s.tx.DB().Info().PageSize}
	return s.tx.WriteTo(z)
}

// saveAs writes the copy, changed by edit (see editedCopy) when edit is not nil, to path:
// mode 0600, written beside path, synced and renamed, so path is never half written. It is
// stamped with modTime unless that is zero. It returns the size of the file.
func (s *snapshot) saveAs(path string, edit func(*tx) (bool, error), modTime time.Time) (int64, error) {
	dir := filepath.Dir(path)
	var tmp string
	var err error
	if edit == nil {
		tmp, err = writeTemp(dir, s.writeTo)
	} else {
		tmp, err = s.editedCopy(dir, edit)
	}
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp) // gone already after the rename
	if !modTime.IsZero() {
		if err := os.Chtimes(tmp, modTime, modTime); err != nil {
			return 0, err
		}
	}
	info, err := os.Stat(tmp)
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, err
	}
	return info.Size(), syncDir(dir)
}

// editedCopy writes the copy into a new file in dir (mode 0600), lets edit change it in one
// write transaction (edit reports whether it did), and returns the file's path. What edit
// removed lands in pages that transaction freed; a changed copy is therefore streamed once
// more, with those pages zeroed, into a second file that replaces the first. The files are
// named for CleanBackupDir, should a crash leave them.
func (s *snapshot) editedCopy(dir string, edit func(*tx) (bool, error)) (string, error) {
	first, err := writeTemp(dir, s.writeTo)
	if err != nil {
		return "", err
	}
	changed, err := editFile(first, edit)
	if err != nil || !changed {
		if err != nil {
			os.Remove(first)
		}
		return first, err
	}
	defer os.Remove(first)
	b, err := bolt.Open(first, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return "", err
	}
	defer b.Close()
	clean, err := openSnapshot(b, first)
	if err != nil {
		return "", err
	}
	defer clean.close()
	return writeTemp(dir, clean.writeTo)
}

// editFile runs edit in one write transaction on the bbolt file at path.
func editFile(path string, edit func(*tx) (bool, error)) (changed bool, err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return false, err
	}
	err = b.Update(func(btx *bolt.Tx) error {
		var err error
		changed, err = edit(&tx{bolt: btx})
		return err
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	return changed, err
}

// writeTemp writes a new file in dir through write, mode 0600, synced, and returns its
// path; on failure it leaves nothing behind.
func writeTemp(dir string, write func(io.Writer) (int64, error)) (string, error) {
	f, err := os.CreateTemp(dir, backupPrefix+"*")
	if err != nil {
		return "", err
	}
	err = f.Chmod(0o600)
	if err == nil {
		_, err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// freePageZeroer passes on the stream of Tx.WriteTo, with zeros in place of the pages the
// transaction's free list names. Tx.WriteTo writes the transaction's meta page first, in
// one piece; it names the free list page, which the zeroer then reads from file. The free
// list costs eight bytes of memory per free page, the stream nothing more.
type freePageZeroer struct {
	w        io.Writer
	file     *os.File
	pageSize int
	off      int64    // bytes passed on so far
	free     []uint64 // the free pages, sorted
	zeros    []byte
}

// Offsets in bbolt's file format (go.etcd.io/bbolt/internal/common): a page starts with
// its id (8 bytes), flags (2), element count (2) and overflow (4); the meta page goes on
// with magic, version, page size and flags (4 each), the root bucket (16), then the page
// id of the free list and the high-water mark (8 each). bbolt writes them in the
// machine's byte order.
const (
	pageHeaderSize   = 16
	metaFreelistAt   = pageHeaderSize + 32
	metaHighWaterAt  = metaFreelistAt + 8
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
)

func (z *freePageZeroer) Write(p []byte) (int, error) {
	if z.off == 0 {
		if err := z.readFreelist(p); err != nil {
			return 0, err
		}
	}
	n := 0
	for n < len(p) {
		page := uint64(z.off) / uint64(z.pageSize)
		end := min(len(p), n+int(int64(page+1)*int64(z.pageSize)-z.off))
		// Join the following pages of the same kind into one write.
		free := z.isFree(page)
		for next := page + 1; end < len(p) && z.isFree(next) == free; next++ {
			end = min(len(p), end+z.pageSize)
		}
		chunk := p[n:end]
		if free {
			if len(z.zeros) < len(chunk) {
				z.zeros = make([]byte, len(chunk))
			}
			chunk = z.zeros[:len(chunk)]
		}
		m, err := z.w.Write(chunk)
		n += m
		z.off += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// isFree reports whether the free list names page.
func (z *freePageZeroer) isFree(page uint64) bool {
	_, found := slices.BinarySearch(z.free, page)
	return found
}

// readFreelist reads the free list that the meta page at the start of p names.
func (z *freePageZeroer) readFreelist(meta []byte) error {
	free, err := readFreelist(z.file, z.pageSize, meta)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	z.free = free
	return nil
}

// readFreelist reads from file the free list that meta (a meta page, from its start) names
// and returns its page ids, sorted. The list names the pages free at that commit and those
// it left pending for readers of older commits.
func readFreelist(file *os.File, pageSize int, meta []byte) ([]uint64, error) {
	if len(meta) < metaHighWaterAt+8 {
		return nil, errors.New("the meta page came in pieces")
	}
	id := binary.NativeEndian.Uint64(meta[metaFreelistAt:])
	highWater := binary.NativeEndian.Uint64(meta[metaHighWaterAt:])
	if id == noFreelist {
		return nil, errors.New("the file keeps no free list (NoFreelistSync)")
	}
	header := make([]byte, pageHeaderSize)
	at := int64(id) * int64(pageSize)
	if _, err := file.ReadAt(header, at); err != nil {
		return nil, fmt.Errorf("read the free list: %w", err)
	}
	if binary.NativeEndian.Uint16(header[8:]) != freelistPageFlag {
		return nil, fmt.Errorf("page %d is not the free list", id)
	}
	count, overflow := uint64(binary.NativeEndian.Uint16(header[10:])), uint64(binary.NativeEndian.Uint32(header[12:]))
	if overflow >= highWater {
		return nil, fmt.Errorf("the free list at page %d is damaged", id)
	}
	raw := make([]byte, (overflow+1)*uint64(pageSize))
	if _, err := file.ReadAt(raw, at); err != nil {
		return nil, fmt.Errorf("read the free list: %w", err)
	}
	ids := raw[pageHeaderSize:]
	if count == 0xFFFF { // more than fit the count: the first element is the count
		count, ids = binary.NativeEndian.Uint64(ids), ids[8:]
	}
	if count > uint64(len(ids)/8) {
		return nil, fmt.Errorf("the free list at page %d is damaged", id)
	}
	free := make([]uint64, count)
	for i := range free {
		free[i] = binary.NativeEndian.Uint64(ids[8*i:])
	}
	slices.Sort(free)
	return free, nil
}
