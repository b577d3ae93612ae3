package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/referbot/referbot/bot/grammar"
	"github.com/referbot/referbot/core"
)

func (b *Bot) flags(ctx context.Context, c core.Caller, x grammar.Flags) (Message, error) {
	rep, err := b.svc.Flags(ctx, c, x.Period)
	if err != nil {
		return Message{}, err
	}
	return FlagsMessage(rep), nil
}

func (b *Bot) dismissFlag(ctx context.Context, c core.Caller, x grammar.FlagsDismiss) (Message, error) {
	f, err := b.svc.DismissFlag(ctx, c, x.ID, x.Reason)
	if err != nil {
		return Message{}, err
	}
	m := reply("Flag "+f.ID+" dismissed", FlagLine(*f, false)+
		"\nIt stays aside until new evidence appears. Reason, for the other admins: "+f.Dismissed.Reason)
	m.Kind = "flags"
	return m, nil
}

// FlagsMessage lists the open abuse flags for an admin.
func FlagsMessage(rep *core.FlagReport) Message {
	m := reply(fmt.Sprintf("Abuse flags — %s (%d)", rep.Period.Label, len(rep.Flags)), "")
	m.Kind = "flags"
	if len(rep.Flags) == 0 {
		m.Text = "Nothing looks gamed: no rings with fees, no client referred again and again, nobody at the daily cap, no referrer whose leads never convert."
	} else {
		lines := make([]string, len(rep.Flags))
		for i, f := range rep.Flags {
			lines[i] = FlagLine(f, true)
		}
		m.Text = strings.Join(lines, "\n")
	}
	if rep.Dismissed > 0 {
		m.Text += fmt.Sprintf("\n(%s dismissed before, with no new evidence since, not shown.)", plural(rep.Dismissed, "flag"))
	}
	m.Footer = "Look closer with /refer show R-<n>; set one aside with /refer flags dismiss <flag-id> <reason>"
	return m
}

// maxEvidence is how many codes a flag's line lists, the newest.
const maxEvidence = 10

// FlagLine describes a flag with its evidence; with id, it starts with
// the flag's ID.
func FlagLine(f core.Flag, id bool) string {
	names := make([]string, len(f.Members))
	for i, n := range f.Members {
		names[i] = "@" + n
	}
	var what string
	switch f.Kind {
	case core.FlagRing:
		what = "Referrals in a circle with finder's fees: " + strings.Join(append(names, names[:1]...), " → ")
	case core.FlagSameClient:
		what = fmt.Sprintf("The same client referred %s", times(f.Evidence()))
	case core.FlagDailyCap:
		what = fmt.Sprintf("%s reached the daily cap (%d) on %s", strings.Join(names, ", "), f.Cap, f.Day)
	case core.FlagNeverConverts:
		what = fmt.Sprintf("%s: %s received by partners, none won", strings.Join(names, ", "), plural(f.Evidence(), "referral"))
	default:
		what = string(f.Kind)
	}
	codes := EvidenceCodes(f, maxEvidence)
	line := what + " — " + strings.Join(codes, ", ")
	if id {
		line = "`" + f.ID + "` " + line
	}
	if d := f.Dismissed; d != nil && id {
		line += fmt.Sprintf(" (new evidence since @%s dismissed it: %s)", cmp.Or(d.By, "an admin"), firstWords(d.Reason, 12))
	}
	return line
}

// EvidenceCodes are the newest n codes a flag names, oldest first, then
// how many earlier ones it has.
func EvidenceCodes(f core.Flag, n int) []string {
	shown := f.Codes[max(0, len(f.Codes)-n):]
	codes := make([]string, 0, len(shown)+1)
	for _, c := range shown {
		codes = append(codes, c.String())
	}
	if earlier := f.Evidence() - len(shown); earlier > 0 {
		codes = append(codes, fmt.Sprintf("and %d earlier", earlier))
	}
	return codes
}
