package bot

import (
	"fmt"
	"testing"

	"github.com/referbot/referbot/core"
)

// Up to 25 people who raised a hand are Pick buttons; beyond, one menu
// of them all, saying what to type for any a platform can't list.
func TestRenderNotice_MoreThan25HandsArePickedFromAMenu(t *testing.T) {
	t.Parallel()
	r := &core.Referral{Code: 1001, Need: "bookkeeping", Status: core.StatusOpen, ReferrerID: 1, ReferrerName: "Alice"}
	hands := func(n int) core.Notice {
		x := core.Notice{Kind: core.NoticeHandRaised, Actor: "U0", Referral: r, To: core.Recipient{MemberID: 1, UserID: "UALICE", Name: "Alice"}}
		for i := range n {
			x.Choices = append(x.Choices, core.Recipient{MemberID: int64(i + 2), UserID: fmt.Sprintf("U%03d", i), Name: fmt.Sprintf("m%d", i)})
		}
		return x
	}
	m := RenderNotice(hands(MaxButtons))
	expect(t, len(m.Buttons) == MaxButtons && m.Menu == nil, "25 hands: %d buttons, menu %v", len(m.Buttons), m.Menu)
	m = RenderNotice(hands(30))
	expect(t, len(m.Buttons) == 0 && m.Menu != nil && len(m.Menu.Options) == 30 && !m.Menu.Channels,
		"30 hands: %d buttons, menu %+v", len(m.Buttons), m.Menu)
	expect(t, m.Menu.Options[4].Action == "/refer/pick/R-1001/U004" && m.Menu.Options[4].Label == "Pick @m4" &&
		m.Menu.More == "/refer pick R-1001 @name", "menu: %+v", m.Menu)
	for _, o := range m.Menu.Options {
		if _, err := ActionCommand(o.Action); err != nil {
			t.Errorf("option %q does not route: %v", o.Action, err)
		}
	}
}
