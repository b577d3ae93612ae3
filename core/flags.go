package core

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Abuse flags (PRODUCT.md §7, §9 item 5) tell admins where the exchange
// may be gamed. They are computed from the referrals, set-based, each time
// they are asked for (`/refer flags`, the weekly health DM); only an
// admin's dismissal is stored. A flag names its evidence — referral codes
// and members — never a client or an amount: admins look closer with
// /refer show.
//
//   - FlagRing: members referring to each other in a circle (A→B→A,
//     A→B→C→A) with a finder's fee on every step, all within RingWindow:
//     fees farmed rather than earned. Rings are found over pairs of
//     members, so their cost grows with the pairs, not the referrals; the
//     MaxRings with most evidence are listed.
//   - FlagSameClient: the same client, by normalised name or contact,
//     referred SameClientMin times or more (by anyone, to anyone). A
//     client is told by the keys the leaderboard's repeats use
//     (migrations/023_client_keys.sql), kept with each referral.
//   - FlagDailyCap: a member who reached the network's daily cap on a
//     day (`/refer config daily-cap 10`; core refuses the referral past
//     it, so reaching it is what can be seen — or being over it, on a day
//     before the cap was lowered).
//   - FlagNeverConverts: a referrer with NeverConvertsMin or more
//     referrals received by partners and none won.
//
// Self-dealing through a second account is out of scope.
//
// A flag's ID is derived from its key (kind and subject), so it is the
// same every time it is computed. Dismissing it (`/refer flags dismiss
// F-1a2b3c <reason>`) records the evidence it had then: it stays
// dismissed until evidence it did not have appears, and then it is
// raised again, saying it was dismissed before and why.

// FlagKind says what a flag is about.
type FlagKind string

const (
	FlagRing          FlagKind = "ring"
	FlagSameClient    FlagKind = "same-client"
	FlagDailyCap      FlagKind = "daily-cap"
	FlagNeverConverts FlagKind = "never-converts"
)

// The thresholds of the flags.
const (
	RingWindow       = 90 * 24 * time.Hour
	RingMaxMembers   = 3  // A→B→A and A→B→C→A: longer ones cost more to find than they tell
	MaxRings         = 50 // the rings with most evidence; more would be noise
	SameClientMin    = 3
	NeverConvertsMin = 10
	// FlagCodesKept is how many referral codes of a flag's evidence it
	// names, the newest; Count counts them all. A referrer whose leads
	// never convert may have hundreds, and new evidence is new codes.
	FlagCodesKept = 10
	// FlagsPeriod is the period `/refer flags` and the health DM cover
	// when none is given.
	FlagsPeriod = "90d"
)

// Flag is one sign of possible abuse, with its evidence.
type Flag struct {
	ID        string     `json:"id"`  // "F-1a2b3c", from Key
	Key       string     `json:"key"` // kind and subject; a client's is hashed
	Kind      FlagKind   `json:"kind"`
	MemberIDs []int64    `json:"member_ids,omitempty"`
	Members   []string   `json:"members,omitempty"`   // display names; a ring's in its order
	Codes     []Code     `json:"codes"`               // the evidence, oldest first: its newest FlagCodesKept (all for the CSV)
	Count     int        `json:"count,omitempty"`     // the referrals of evidence, named or not
	Day       string     `json:"day,omitempty"`       // FlagDailyCap: the local day, 2006-01-02
	Cap       int        `json:"cap,omitempty"`       // FlagDailyCap: the cap then
	Dismissed *Dismissal `json:"dismissed,omitempty"` // an earlier dismissal, now outgrown by new evidence
}

// Dismissal is an admin's judgement that a flag is no abuse.
type Dismissal struct {
	Key      string    `json:"key"`
	Codes    []Code    `json:"codes"` // the evidence it covers
	Reason   string    `json:"reason"`
	MemberID int64     `json:"member_id"`
	By       string    `json:"by"` // display name, filled by the store
	At       time.Time `json:"at"`
}

// FlagQuery is what the store computes flags for.
type FlagQuery struct {
	Period   Period
	DailyCap int    // 0: no daily-cap flags
	TimeZone string // the IANA zone whose days the cap counts
	AllCodes bool   // every code of the evidence, not the newest FlagCodesKept
	// Now is the clock Period was read with: it guesses what reading the
	// period's edges costs, never the result (zero: the machine's).
	Now time.Time
}

// FlagScope is one workspace flags are computed for, with what its
// daily-cap flags count by.
type FlagScope struct {
	WorkspaceID int64
	DailyCap    int    // 0: no daily-cap flags
	TimeZone    string // the IANA zone whose days the cap counts
}

// Evidence is how many referrals a flag's evidence has.
func (f Flag) Evidence() int { return max(f.Count, len(f.Codes)) }

// FlagID derives a flag's short, stable ID from its key.
func FlagID(key string) string {
	h := sha256.Sum256([]byte(key))
	return "F-" + hex.EncodeToString(h[:3])
}

// ParseFlagID reads "F-1a2b3c", "f-1A2B3C" or "1a2b3c".
func ParseFlagID(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "f"), "-")
	if len(t) != 6 || strings.Trim(t, "0123456789abcdef") != "" {
		return "", Errorf(EINVALID, "%q is not a flag ID.", s).
			WithHint("Flag IDs look like F-1a2b3c; /refer flags lists them.")
	}
	return "F-" + t, nil
}

// FlagReport is what `/refer flags` shows.
type FlagReport struct {
	Period    Period
	Flags     []Flag
	Dismissed int // flags of the period left out because they were dismissed
}

// Flags lists, for admins, the abuse flags of a period (FlagsPeriod if
// none) that are not dismissed.
func (s *Service) Flags(ctx context.Context, c Caller, period string) (*FlagReport, error) {
	if !c.Member.IsAdmin() {
		return nil, Errorf(EFORBIDDEN, "Only admins can see abuse flags.").
			WithHint("If something looks wrong to you, tell an admin of your network.")
	}
	p, err := ParsePeriod(cmp.Or(period, FlagsPeriod), s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*FlagReport, error) {
		return s.flags(ctx, tx, c.Workspace, p)
	})
}

// flags computes the flags of ws in p, naming the newest codes of their
// evidence, and leaves out the dismissed ones.
func (s *Service) flags(ctx context.Context, tx Tx, ws Workspace, p Period) (*FlagReport, error) {
	return s.flagsOf(ctx, tx, ws, p, false)
}

// flagsOf is flags, naming every code of the evidence with allCodes.
func (s *Service) flagsOf(ctx context.Context, tx Tx, ws Workspace, p Period, allCodes bool) (*FlagReport, error) {
	reps, err := s.flagsAcross(ctx, tx, []Workspace{ws}, p, allCodes)
	if err != nil {
		return nil, err
	}
	return reps[ws.ID], nil
}

// flagsAcross is flagsOf for many workspaces, in two statements for them
// all (the network-health job's batch), by workspace.
func (s *Service) flagsAcross(ctx context.Context, tx Tx, wss []Workspace, p Period, allCodes bool) (map[int64]*FlagReport, error) {
	scopes := make([]FlagScope, len(wss))
	ids := make([]int64, len(wss))
	for i, ws := range wss {
		loc := s.Location(ws).String()
		if loc == "Local" || loc == "" {
			loc = "UTC"
		}
		scopes[i] = FlagScope{WorkspaceID: ws.ID, DailyCap: ws.Settings.DailyCap, TimeZone: loc}
		ids[i] = ws.ID
	}
	fss, err := tx.FlagsAcross(ctx, FlagQuery{Period: p, AllCodes: allCodes, Now: s.now()}, scopes)
	if err != nil {
		return nil, err
	}
	dss, err := tx.FlagDismissalsAcross(ctx, ids)
	if err != nil {
		return nil, err
	}
	reps := make(map[int64]*FlagReport, len(wss))
	for _, id := range ids {
		reps[id] = dismissedLeftOut(p, fss[id], dss[id])
	}
	return reps, nil
}

// dismissedLeftOut is the report of a workspace's flags fs: IDs given,
// and those dismissed (ds) left out unless they have new evidence.
func dismissedLeftOut(p Period, fs []Flag, ds map[string]Dismissal) *FlagReport {
	rep := &FlagReport{Period: p}
	for _, f := range fs {
		f.ID = FlagID(f.Key)
		if d, ok := ds[f.Key]; ok {
			if !newEvidence(f.Codes, d.Codes) {
				rep.Dismissed++
				continue
			}
			f.Dismissed = &d
		}
		rep.Flags = append(rep.Flags, f)
	}
	return rep
}

// newEvidence reports whether codes holds one that dismissed does not.
func newEvidence(codes, dismissed []Code) bool {
	for _, c := range codes {
		if !slices.Contains(dismissed, c) {
			return true
		}
	}
	return false
}

// DismissFlag records, for admins, that a flag is no abuse, and why.
func (s *Service) DismissFlag(ctx context.Context, c Caller, id, reason string) (*Flag, error) {
	if !c.Member.IsAdmin() {
		return nil, Errorf(EFORBIDDEN, "Only admins can dismiss abuse flags.").
			WithHint("If something looks wrong to you, tell an admin of your network.")
	}
	id, err := ParseFlagID(id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", reason, maxText, true,
		fmt.Sprintf("Say why, for the other admins: /refer flags dismiss %s they are business partners; the fees are agreed", id)); err != nil {
		return nil, err
	}
	all, err := ParsePeriod("all", s.now(), s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Flag, error) {
		rep, err := s.flags(ctx, tx, c.Workspace, all)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(rep.Flags, func(f Flag) bool { return f.ID == id })
		if i < 0 {
			return nil, Errorf(ENOTFOUND, "There is no open flag %s.", id).
				WithHint("/refer flags lists the open ones (/refer flags all, of all time).")
		}
		f := rep.Flags[i]
		d := Dismissal{Key: f.Key, Codes: f.Codes, Reason: reason, MemberID: c.Member.ID, By: c.Member.DisplayName, At: s.now()}
		if err := tx.DismissFlag(ctx, c.Workspace.ID, d); err != nil {
			return nil, err
		}
		f.Dismissed = &d
		return &f, nil
	})
}

// underDailyCap refuses a referral that would take its referrer past the
// network's daily cap: what they gave today plus this one. It runs before
// the referral is inserted, as a batch's count does (capBatch), so that
// the member's lock (CountGiven's, which orders one member's concurrent
// referrals) is taken before the insert's triggers lock their rollup
// rows: taken after, a batch holding the lock and writing the same rows
// deadlocked with it.
func (s *Service) underDailyCap(ctx context.Context, tx Tx, c Caller) error {
	if c.Workspace.Settings.DailyCap <= 0 {
		return nil
	}
	n, err := tx.CountGiven(ctx, c.Workspace.ID, c.Member.ID, s.capDay(c))
	if err != nil {
		return err
	}
	return s.capExceeded(c, n+1)
}

// capDay is the start of the caller's day, in the workspace's time zone:
// the daily cap counts the referrals given since.
func (s *Service) capDay(c Caller) time.Time {
	now := s.now().In(s.Location(c.Workspace))
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
}

// capExceeded refuses a referral that makes n given today, over the
// network's daily cap.
func (s *Service) capExceeded(c Caller, n int) error {
	limit := c.Workspace.Settings.DailyCap
	if limit <= 0 || n <= limit {
		return nil
	}
	return Errorf(ECONFLICT, "You have given %d referrals today, the network's daily cap, so I can't record this one.", limit).
		WithHint("It starts afresh at midnight (%s). If this is real work, ask an admin to raise the cap (/refer config daily-cap <number>).",
			s.Location(c.Workspace))
}
