package web

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// luminance is a colour's relative luminance (WCAG 2.x), from "#rrggbb".
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("not a colour: %q", hex)
	}
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// Every text colour of the stylesheet and the charts reads at 4.5:1 or
// more on the background it is drawn on (WCAG AA).
func TestColours_TextContrastAtLeast4_5To1(t *testing.T) {
	t.Parallel()
	css := string(assetsByName[hashedAssetFor["dashboard.css"]].data)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z]+):\s*(#[0-9a-f]{6})`).FindAllStringSubmatch(css, -1) {
		vars[m[1]] = m[2]
	}
	for _, pair := range [][2]string{
		{vars["ink"], vars["paper"]}, {vars["ink"], vars["panel"]},
		{vars["muted"], vars["paper"]}, {vars["muted"], vars["panel"]},
		{vars["accent"], vars["paper"]}, {vars["accent"], vars["panel"]},
		{vars["warn"], vars["paper"]}, {vars["warn"], vars["panel"]},
		{"#ffffff", vars["ink"]},    // the header, the current page in the pager
		{"#ffffff", vars["accent"]}, // buttons
		{inkColour, "#ffffff"},      // chart labels, on white or their white halo
	} {
		if c := contrast(t, pair[0], pair[1]); c < 4.5 {
			t.Errorf("%s on %s: contrast %.2f:1, under 4.5:1", pair[0], pair[1], c)
		}
	}
	if len(vars) < 6 {
		t.Fatalf("read only %d colours from the stylesheet", len(vars))
	}
}
