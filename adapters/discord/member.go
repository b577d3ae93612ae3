package discord

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/referbot/referbot/core"
)

// A button or form in a DM carries the guild it acts in (a DM interaction
// has none), so a DM sent while someone was a member still holds buttons
// after they leave the server. Before acting through one, the adapter asks
// Discord whether the clicker is still a member of that guild.

// memberTTL is how long an answer about a guild member is kept: long
// enough that a burst of clicks costs one call, short enough that someone
// who leaves loses their buttons within a minute.
const memberTTL = time.Minute

// memberLookupTimeout bounds the look-up; the click is deferred meanwhile.
const memberLookupTimeout = 5 * time.Second

// members remembers recent answers, by guild and user.
type members struct {
	mu sync.Mutex
	m  map[[2]string]memberAnswer
}

type memberAnswer struct {
	member bool
	at     time.Time
}

// errNotMember refuses a click from someone no longer in the guild.
var errNotMember = core.Errorf(core.EFORBIDDEN, "You're no longer a member of that server, so referbot can't act for you there.").
	WithHint("If you join the server again, your buttons work again.")

// stillMember returns nil when user is a member of guild, errNotMember when
// Discord says they are not (or the bot is no longer in that guild), and
// an error asking to try again when Discord could not be asked.
func (a *Adapter) stillMember(ctx context.Context, guild, user string) error {
	key := [2]string{guild, user}
	a.guildMembers.mu.Lock()
	ans, ok := a.guildMembers.m[key]
	a.guildMembers.mu.Unlock()
	if !ok || a.now().Sub(ans.at) >= memberTTL {
		member, err := a.isMember(ctx, guild, user)
		if err != nil {
			a.log.Error("guild member look-up failed", "guild", guild, "user", user, "err", err)
			return core.Errorf(core.EINTERNAL, "I couldn't check with Discord that you're still in the server.").
				WithHint("Please click again in a moment.")
		}
		ans = memberAnswer{member: member, at: a.now()}
		a.guildMembers.mu.Lock()
		if a.guildMembers.m == nil {
			a.guildMembers.m = map[[2]string]memberAnswer{}
		}
		a.guildMembers.m[key] = ans
		a.guildMembers.mu.Unlock()
	}
	if !ans.member {
		return errNotMember
	}
	return nil
}

// isMember asks GET /guilds/{guild}/members/{user}: 404 (unknown member,
// or a guild the bot has left) means no.
func (a *Adapter) isMember(ctx context.Context, guild, user string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, memberLookupTimeout)
	defer cancel()
	endpoint := discordgo.EndpointGuildMember(guild, user)
	// A bucket per member, not discordgo's one per guild: its lock is held
	// through each call, so one slow look-up would hold up everyone's.
	_, err := a.session.RequestWithBucketID("GET", endpoint, nil, endpoint, discordgo.WithContext(ctx))
	var re *discordgo.RESTError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound:
		return false, nil
	}
	return false, err
}
