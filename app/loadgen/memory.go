package loadgen

import (
	"os"
	"strconv"
	"strings"
)

// Memory is what the kernel says of this process's memory, in MB (0 where /proc is missing).
type Memory struct {
	RSS  float64 // resident now
	Peak float64 // the most resident so far
	File float64 // of RSS, pages of mapped files: the database's memory map, which the kernel may reclaim
}

// ReadMemory reads the process's memory from /proc/self/status, for the load suite's reports.
func ReadMemory() Memory {
	var m Memory
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			m.RSS = kb / 1024
		case "VmHWM:":
			m.Peak = kb / 1024
		case "RssFile:":
			m.File = kb / 1024
		}
	}
	return m
}
