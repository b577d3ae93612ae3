package core

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Who counts recent referrals only for the candidates that can make its
// top suggestions; on random workspaces — many equal scores, equal names,
// busy and paused members, members who received many lately or none —
// its suggestions must be exactly those made with every candidate counted.
func TestCountRecent_SuggestsWhatCountingEveryoneWould(t *testing.T) {
	t.Parallel()
	need, tags := "bookkeeping and tax for a small bakery", []string{"tax"}
	early := 0
	for seed := range uint64(400) {
		rnd := rand.New(rand.NewPCG(seed, 15))
		var fit []Candidate
		recent := map[int64]int{}
		for id := int64(1); id <= int64(1+rnd.IntN(400)); id++ {
			p := Profile{MemberID: id, Availability: []Availability{Open, Open, Busy, Paused}[rnd.IntN(4)]}
			if rnd.IntN(2) == 0 {
				p.Tags = []string{"tax"}
			}
			p.Services = []string{"bookkeeping", "bakery bookkeeping", "tax help for a bakery", "small bakery"}[rnd.IntN(4)]
			fit = append(fit, Candidate{Member: Member{ID: id, DisplayName: fmt.Sprint("m", rnd.IntN(8)), Status: MemberActive},
				Profile: p})
			recent[id] = []int{0, 0, 0, 1, 2, 6, 20}[rnd.IntN(7)]
		}
		all := append([]Candidate(nil), fit...)
		for i := range all {
			all[i].RecentlyGot = recent[all[i].Member.ID]
		}
		want := rankCandidates(all, 0, need, tags)

		asked := 0
		cands, err := countRecent(fit, need, tags, lookup(recent, &asked))
		if err != nil {
			t.Fatal(err)
		}
		if asked < len(fit)/2 {
			early++
		}
		if got := rankCandidates(cands, 0, need, tags); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: counting %d of %d candidates suggested\n %+v\nnot\n %+v", seed, asked, len(fit), got, want)
		}
	}
	if early < 100 {
		t.Errorf("only %d of 400 workspaces counted fewer than half their candidates: the bound is not exercised", early)
	}
}

// The last suggestion counted so far may tie with a candidate not counted
// yet whose name sorts first: that one is counted, and takes its place.
func TestCountRecent_ATieWithAnEarlierNameIsCounted(t *testing.T) {
	t.Parallel()
	need, tags := "bookkeeping", []string{"tax"}
	var fit []Candidate
	recent := map[int64]int{}
	for id := int64(1); id <= 40; id++ {
		p := Profile{MemberID: id, Availability: Open, Tags: []string{"tax"}, Services: "plumbing"}
		name := "ann"
		if id <= 16 { // a better match, but busy lately: the same score
			p.Services, name, recent[id] = "bookkeeping", "zoe", 2
		}
		fit = append(fit, Candidate{Member: Member{ID: id, DisplayName: name, Status: MemberActive}, Profile: p})
	}
	cands, err := countRecent(fit, need, tags, lookup(recent, new(int)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rankCandidates(cands, 0, need, tags) {
		if s.Member.DisplayName != "ann" {
			t.Fatalf("suggested %s (score %v) before every ann (score 3, received none lately)", s.Member.DisplayName, s.Score)
		}
	}
}

// lookup answers countRecent's counts from recent, adding how many it was
// asked for to asked.
func lookup(recent map[int64]int, asked *int) func(ids []int64) (map[int64]int, error) {
	return func(ids []int64) (map[int64]int, error) {
		*asked += len(ids)
		got := map[int64]int{}
		for _, id := range ids {
			got[id] = recent[id]
		}
		return got, nil
	}
}
