package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Team is the console workspace's external id.
const Team = "console"

// Channel is the console workspace's channel.
const Channel = "#referrals"

// button is a numbered button on screen. Owner is whose message it is on
// (a DM's recipient, or who saw a private reply); only they may click it.
// A channel post's buttons have no owner: anyone may click them.
type button struct {
	bot.Button
	Owner string
}

// Console is a terminal chat over the bot. Deliver is called after every
// command so the DMs and posts it caused appear right after its reply.
type Console struct {
	Bot     *bot.Bot
	Deliver func(ctx context.Context) error
	Out     io.Writer
	// Echo prints each input line after the prompt; used when reading a
	// script from a pipe, so the transcript shows what was typed.
	Echo bool
	// Data says where the network's data is kept (the private
	// PostgreSQL's folder, or the database named by DATABASE_URL); the
	// banner and /help name it.
	Data string

	mu      sync.Mutex
	user    string // current member's name
	buttons []button
	sent    int
}

// New returns a console writing to out; Deliver is set by the caller.
func New(b *bot.Bot, out io.Writer) *Console {
	return &Console{Bot: b, Out: out, user: "you"}
}

// Messenger returns the console's bot.Messenger: it prints messages.
func (c *Console) Messenger() bot.Messenger { return messenger{c} }

type messenger struct{ c *Console }

func (m messenger) Send(_ context.Context, msg bot.Message) (string, error) {
	m.c.mu.Lock()
	defer m.c.mu.Unlock()
	m.c.sent++
	m.c.print(msg)
	return "console-" + strconv.Itoa(m.c.sent), nil
}

// Run reads lines until EOF, /quit, or ctx ends (Ctrl-C): each way it
// leaves cleanly, returning nil. A line already typed is finished first.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	c.printf("referbot console — you are @%s in workspace %q, channel %s.\n", c.user, Team, Channel)
	c.printf("Type /as NAME to be someone else, /refer help for commands, a number to click a button, /quit to leave.\n")
	if c.Data != "" {
		c.printf("The network's data is kept in %s.\n", c.Data)
	}
	// Reading stdin can't be interrupted, so it happens aside: Ctrl-C
	// then ends the console at once instead of after the next Enter.
	lines := make(chan string)
	stop := make(chan struct{})
	defer close(stop)
	var readErr error
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		readErr = sc.Err() // read after lines is closed
	}()
	for {
		if !c.Echo {
			c.printf("%s> ", c.user)
		}
		var line string
		select {
		case <-ctx.Done():
			c.bye()
			return nil
		case l, ok := <-lines:
			if !ok {
				return readErr
			}
			line = strings.TrimSpace(l)
		}
		if c.Echo && line != "" {
			c.printf("%s> %s\n", c.user, line)
		}
		if line == "/quit" || line == "/exit" {
			return nil
		}
		// The line runs to its end even if Ctrl-C comes meanwhile: its
		// reply and messages are shown, nothing is left half done.
		if err := c.Line(context.WithoutCancel(ctx), line); err != nil {
			return err
		}
	}
}

// bye ends the console's last line and says where the data stays.
func (c *Console) bye() {
	c.printf("\n  Bye.")
	if c.Data != "" {
		c.printf(" The network's data stays in %s.", c.Data)
	}
	c.printf("\n")
}

func (c *Console) identity(user string) core.Identity {
	return core.Identity{Platform: core.Console, TeamID: Team, TeamName: "Console network",
		UserID: userID(user), UserName: user, Channel: Channel}
}

// userID derives a stable id from a name, so `@alice` in a command and
// `/as alice` are the same member.
func userID(name string) string {
	return strings.ToLower(strings.TrimPrefix(name, "@"))
}

// Line handles one line of input.
func (c *Console) Line(ctx context.Context, line string) error {
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, "/as"):
		name := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(line, "/as")), "@")
		if !validName(name) {
			c.printf("  Type /as NAME, e.g. /as alice (letters, digits, - and _).\n")
			return nil
		}
		c.user = name
		c.printf("  You are now @%s.\n", name)
		return nil
	case line == "/help":
		c.printf("  /as NAME      act as another member (created on first use)\n")
		c.printf("  /refer ...    run a command; /refer help lists them\n")
		c.printf("  NUMBER        click the button with that number (on your own messages or a channel post)\n")
		c.printf("  /quit         leave (Ctrl-C too)\n")
		if c.Data != "" {
			c.printf("  The network's data is kept in %s.\n", c.Data)
		}
		return nil
	case strings.HasPrefix(line, "/refer"):
		text := strings.TrimPrefix(line, "/refer")
		if text != "" && !unicode.IsSpace(rune(text[0])) {
			break
		}
		c.show(c.Bot.Handle(ctx, bot.Request{Identity: c.identity(c.user), Text: strings.TrimSpace(text)}))
		return c.deliver(ctx)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(line, "/click"), " "))
	if err == nil {
		c.mu.Lock()
		if n < 1 || n > len(c.buttons) {
			c.mu.Unlock()
			c.printf("  There is no button %d on screen.\n", n)
			return nil
		}
		b := c.buttons[n-1]
		c.mu.Unlock()
		if b.Owner != "" && userID(b.Owner) != userID(c.user) {
			// Clicking is acting: never as someone else behind the
			// typist's back. Say whose button it is and how to be them.
			c.printf("  Button %d (%s) is on @%s's message, not yours (@%s). To click it as @%s, type /as %s and then %d.\n",
				n, b.Label, b.Owner, c.user, b.Owner, b.Owner, n)
			return nil
		}
		c.show(c.Bot.HandleAction(ctx, c.identity(c.user), b.Action))
		return c.deliver(ctx)
	}
	c.printf("  I only understand /refer commands here. Try /refer help, or /help for the console.\n")
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (c *Console) deliver(ctx context.Context) error {
	if c.Deliver == nil {
		return nil
	}
	return c.Deliver(ctx)
}

func (c *Console) show(ms []bot.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range ms {
		c.print(m)
	}
}

func (c *Console) printf(format string, args ...any) {
	fmt.Fprintf(c.Out, format, args...)
}

var bold = regexp.MustCompile(`\*([^*\s](?:[^*\n]*[^*\s])?)\*`)

// print renders a message as terminal text; callers hold c.mu.
func (c *Console) print(m bot.Message) {
	var head string
	owner := ""
	switch m.Visibility {
	case bot.Channel:
		head = "── post in " + m.To + " ──"
	case bot.Direct:
		head = "── DM to @" + m.ToName + " ──"
		owner = m.ToName
		if owner == "" {
			owner = m.To
		}
	default:
		head = "── only you see this ──"
		owner = c.user
	}
	var b strings.Builder
	b.WriteString("  " + head + "\n")
	line := func(s string) {
		s = bold.ReplaceAllString(s, "$1") // a terminal has no bold: drop the markup
		s = bot.PlainMentions(s)
		for _, l := range strings.Split(s, "\n") {
			b.WriteString("  │ " + l + "\n")
		}
	}
	if m.Title != "" {
		line(m.Title)
	}
	if m.Text != "" {
		line(m.Text)
	}
	for _, f := range m.Fields {
		if strings.Contains(f.Value, "\n") {
			line(f.Name + ":")
			for _, l := range strings.Split(f.Value, "\n") {
				line("  " + l)
			}
			continue
		}
		line(f.Name + ": " + f.Value)
	}
	buttons := m.Buttons
	if mn := m.Menu; mn != nil {
		// A terminal has no drop-down: its choices are numbered like
		// buttons; a channel is typed.
		buttons = append(buttons[:len(buttons):len(buttons)], mn.Options...)
		if mn.Channels {
			line(mn.Placeholder + ": type /refer config channel #name")
		}
	}
	if len(buttons) > 0 {
		var parts []string
		for _, bt := range buttons {
			c.buttons = append(c.buttons, button{Button: bt, Owner: owner})
			parts = append(parts, fmt.Sprintf("[%d] %s", len(c.buttons), bt.Label))
		}
		line(strings.Join(parts, "  "))
	}
	if m.Footer != "" {
		line(m.Footer)
	}
	if a := m.Attachment; a != nil {
		// A terminal can't receive a file: print it, whole.
		line("── " + a.Name + " ──")
		for _, l := range strings.Split(strings.TrimRight(string(a.Data), "\n"), "\n") {
			b.WriteString("  │ " + l + "\n") // as is: no markup to strip in a file
		}
	}
	fmt.Fprint(c.Out, b.String())
}
