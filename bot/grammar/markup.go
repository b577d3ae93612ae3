package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/referbot/referbot/core"
)

// mentionResult is what a token says about a member.
type mentionKind int

const (
	notMention mentionKind = iota
	isMember
	isGroup // @here, @channel, a role or user group: not one member
)

// parseMention reads <@U123>, <@U123|alice>, <@123>, <@!123> and @alice.
func parseMention(tok string) (core.MemberRef, mentionKind) {
	t := trimPunct(tok)
	if strings.HasPrefix(t, "<!") && strings.HasSuffix(t, ">") {
		return core.MemberRef{}, isGroup // <!here>, <!channel>, <!subteam^S1|@devs>
	}
	if inner, ok := strings.CutPrefix(t, "<@"); ok {
		inner, ok = strings.CutSuffix(inner, ">")
		if !ok {
			return core.MemberRef{}, notMention
		}
		if strings.HasPrefix(inner, "&") {
			return core.MemberRef{}, isGroup // a Discord role
		}
		inner = strings.TrimPrefix(inner, "!")
		id, name, _ := strings.Cut(inner, "|")
		if !isID(id) {
			return core.MemberRef{}, notMention
		}
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if utf8.RuneCountInString(name) > 80 {
			name = ""
		}
		return core.MemberRef{UserID: id, Name: name}, isMember
	}
	if name, ok := strings.CutPrefix(t, "@"); ok {
		if !isName(name) {
			return core.MemberRef{}, notMention
		}
		switch strings.ToLower(name) {
		case "here", "channel", "everyone":
			return core.MemberRef{}, isGroup
		}
		return core.MemberRef{Name: name}, isMember
	}
	return core.MemberRef{}, notMention
}

func isID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// isName accepts what people use as chat handles: letters, digits and
// . _ - ' (no spaces, no @, no brackets).
func isName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || strings.ContainsRune("._-'’", r)) {
			return false
		}
	}
	return true
}

// slackLink splits a Slack link token <target|label> or <target>.
func slackLink(tok string) (target, label string, ok bool) {
	inner, ok1 := strings.CutPrefix(tok, "<")
	inner, ok2 := strings.CutSuffix(inner, ">")
	if !ok1 || !ok2 || inner == "" || strings.ContainsAny(inner, "<>") {
		return "", "", false
	}
	target, label, _ = strings.Cut(inner, "|")
	return target, label, true
}

func hasScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") ||
		strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "tel:")
}

// plain turns Slack markup in free text into what the member typed: links
// to their label, <!here> and friends to inert text, and &amp; &lt; &gt;
// back to characters. Member mentions stay as they are, so platforms still
// render them.
func plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if e := groupEnd(s, i); e > 0 {
				b.WriteString(unwrapAngle(s[i:e]))
				i = e
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	return r.Replace(b.String())
}

func unwrapAngle(tok string) string {
	target, label, ok := slackLink(tok)
	if !ok {
		return tok
	}
	switch {
	case strings.HasPrefix(target, "!"):
		// <!here>, <!channel>, <!everyone>, <!subteam^S1|@devs>, <!date^...|fallback>
		if label != "" {
			return label
		}
		name, _, _ := strings.Cut(target[1:], "^")
		return "@" + name
	case strings.HasPrefix(target, "@") || strings.HasPrefix(target, "#"):
		return tok // member or channel mention: keep for the platform
	case hasScheme(target):
		if label != "" {
			return label
		}
		target = strings.TrimPrefix(target, "mailto:")
		return strings.TrimPrefix(target, "tel:")
	}
	return tok
}
