package loadgen

import (
	"os"
	"testing"
)

func TestReadMemoryReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	m := ReadMemory()
	if m.RSS <= 0 || m.Peak < m.RSS || m.File > m.RSS {
		t.Errorf("memory read from /proc: %+v", m)
	}
}
