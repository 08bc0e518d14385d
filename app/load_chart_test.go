package app

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// The chart of docs/performance.md, drawn with the standard library alone: the p99 latency
// of each second of each load run, one line per run, with a legend naming its size and rate.

// glyphs is a 3×5 pixel font for the few characters the chart writes.
var glyphs = map[rune][5]string{
	'0': {"111", "101", "101", "101", "111"}, '1': {"010", "110", "010", "010", "111"},
	'2': {"111", "001", "111", "100", "111"}, '3': {"111", "001", "111", "001", "111"},
	'4': {"101", "101", "111", "001", "001"}, '5': {"111", "100", "111", "001", "111"},
	'6': {"111", "100", "111", "101", "111"}, '7': {"111", "001", "001", "001", "001"},
	'8': {"111", "101", "111", "101", "111"}, '9': {"111", "101", "111", "001", "111"},
	'k': {"100", "101", "110", "101", "101"}, 'M': {"101", "111", "111", "101", "101"},
	'm': {"000", "110", "111", "101", "101"}, 's': {"000", "011", "110", "011", "110"},
	'p': {"000", "111", "101", "111", "100"}, '/': {"001", "001", "010", "100", "100"},
	'.': {"000", "000", "000", "000", "010"}, ' ': {"000", "000", "000", "000", "000"},
}

// chartColors tell the runs apart.
var chartColors = []color.RGBA{{0x1f, 0x77, 0xb4, 255}, {0xd6, 0x27, 0x28, 255}, {0x2c, 0xa0, 0x2c, 255},
	{0xff, 0x7f, 0x0e, 255}, {0x94, 0x67, 0xbd, 255}, {0x8c, 0x56, 0x4b, 255}}

// canvas is an RGBA image with the few drawing operations the chart needs.
type canvas struct{ *image.RGBA }

func (c canvas) rect(x0, y0, x1, y1 int, col color.Color) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			c.Set(x, y, col)
		}
	}
}

// line draws a line two pixels wide.
func (c canvas) line(x0, y0, x1, y1 int, col color.Color) {
	steps := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= steps; i++ {
		x := x0 + (x1-x0)*i/steps
		y := y0 + (y1-y0)*i/steps
		c.rect(x, y, x+2, y+2, col)
	}
}

// text writes s at (x, y), its top left, each font pixel scale pixels wide.
func (c canvas) text(x, y, scale int, s string, col color.Color) {
	for _, r := range s {
		g, ok := glyphs[r]
		if !ok {
			g = glyphs[' ']
		}
		for row, bits := range g {
			for column, bit := range bits {
				if bit == '1' {
					c.rect(x+column*scale, y+row*scale, x+(column+1)*scale, y+(row+1)*scale, col)
				}
			}
		}
		x += 4 * scale
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// short writes 10000 as 10k and 1000000 as 1M.
func short(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1_000 && n%1_000 == 0:
		return fmt.Sprintf("%dk", n/1_000)
	}
	return fmt.Sprint(n)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// perSecondP99 returns the p99 latency in milliseconds of the updates that arrived in each
// second of a run.
func perSecondP99(r loadResult) []float64 {
	buckets := make([][]time.Duration, int(math.Ceil(r.duration.Seconds())))
	for _, s := range r.steps {
		if i := int(s.at / time.Second); s.latency > 0 && i < len(buckets) {
			buckets[i] = append(buckets[i], s.latency)
		}
	}
	out := make([]float64, len(buckets))
	for i, b := range buckets {
		slices.Sort(b)
		out[i] = quantile(b, 0.99)
	}
	return out
}

// writeLoadChart draws the p99 latency per second of each run (y, in ms) over the seconds
// of the run (x) into a PNG file at path.
func writeLoadChart(path string, runs []loadResult) error {
	const w, h, left, right, top, bottom = 900, 420, 70, 20, 50, 40
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	c.rect(0, 0, w, h, color.White)
	series := make([][]float64, len(runs))
	seconds, peak := 1, 0.0
	for i, r := range runs {
		series[i] = perSecondP99(r)
		seconds = max(seconds, len(series[i]))
		for _, v := range series[i] {
			peak = max(peak, v)
		}
	}
	ymax := niceCeil(peak)
	plotW, plotH := w-left-right, h-top-bottom
	x := func(s float64) int { return left + int(s*float64(plotW)/float64(seconds)) }
	y := func(ms float64) int { return top + plotH - int(ms*float64(plotH)/ymax) }
	grey, black := color.RGBA{0xdd, 0xdd, 0xdd, 255}, color.RGBA{0x33, 0x33, 0x33, 255}
	// Grid and axes: five steps up to ymax, a tick every ten seconds.
	for i := 0; i <= 5; i++ {
		v := ymax * float64(i) / 5
		c.rect(left, y(v), w-right, y(v)+1, grey)
		label := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
		c.text(left-8-len(label)*8, y(v)-5, 2, label, black)
	}
	for s := 0; s <= seconds; s += 10 {
		c.rect(x(float64(s)), top, x(float64(s))+1, top+plotH, grey)
		c.text(x(float64(s))-4, top+plotH+8, 2, fmt.Sprint(s), black)
	}
	c.rect(left, top, left+1, top+plotH, black)
	c.rect(left, top+plotH, w-right, top+plotH+1, black)
	c.text(left-50, 12, 2, "p99 ms", black)
	c.text(w-right-40, h-16, 2, "s", black)
	// One line per run, and its legend: appointments and updates per second.
	lx := left + 90
	for i, r := range runs {
		col := chartColors[i%len(chartColors)]
		for s := 1; s < len(series[i]); s++ {
			c.line(x(float64(s-1)+0.5), y(series[i][s-1]), x(float64(s)+0.5), y(series[i][s]), col)
		}
		label := fmt.Sprintf("%s %d/s", short(r.appointments), r.rate)
		c.rect(lx, 14, lx+14, 24, col)
		c.text(lx+20, 12, 2, label, black)
		lx += 20 + len(label)*8 + 24
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
