package grammar

import (
	"reflect"
	"testing"
)

func TestParse_DashboardTakesAnOptionalPeriod(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Command
	}{
		{"dashboard", Dashboard{}},
		{"Dashboard last-quarter", Dashboard{Period: "last-quarter"}},
		{"web 2026-01 .. 2026-06", Dashboard{Period: "2026-01 .. 2026-06"}},
		{"help dashboard", Help{Topic: "dashboard"}},
		{"help charts", Help{Topic: "dashboard"}},
	} {
		got, err := Parse(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}
